"""Mistake: Mean.update_state takes a Python float or a tensor, but not a Python int (update_state(3) raises), while the stub promises any Python number.

Fails: mean_streaming_equals_one_shot (error): a Python number
"""
import torch


class _Metric:
    def __init__(self, name):
        self.name = name
        self.reset_state()

    def reset_state(self):
        self.numerator = 0.0
        self.denominator = 0.0

    def result(self):
        return _divide_no_nan(self.numerator, self.denominator)


def _divide_no_nan(a, b):
    return a / b if b != 0 else 0.0


class Mean(_Metric):
    def __init__(self, name="mean"):
        super().__init__(name)

    def update_state(self, values):
        if isinstance(values, float):
            flat = [values]
        else:
            flat = values.detach().double().flatten().tolist()
        self.numerator += sum(flat)
        self.denominator += len(flat)


class SparseCategoricalAccuracy(_Metric):
    def __init__(self, name="sparse_categorical_accuracy"):
        super().__init__(name)

    def update_state(self, y_true, y_pred):
        predicted = y_pred.argmax(-1)
        matches = predicted == y_true.view_as(predicted)
        self.numerator += matches.sum().item()
        self.denominator += matches.numel()
