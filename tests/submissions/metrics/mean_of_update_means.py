"""Mistake: Mean averages the mean of each update, so a tensor of six values weighs as much as one float.

Fails: mean_streaming_equals_one_shot (failed): the mean of the per-update means
"""
import torch


class Mean:
    def __init__(self, name="mean"):
        self.name = name
        self.total = 0.0
        self.count = 0

    def update_state(self, values):
        values = torch.as_tensor(values, dtype=torch.float64).detach()
        self.total += float(values.mean())
        self.count += 1

    def result(self):
        if self.count == 0:
            return 0.0
        return self.total / self.count

    def reset_state(self):
        self.total = 0.0
        self.count = 0


class SparseCategoricalAccuracy:
    def __init__(self, name="sparse_categorical_accuracy"):
        self.name = name
        self.correct = 0
        self.total = 0

    def update_state(self, y_true, y_pred):
        if y_true.dim() == 2:
            y_true = y_true.squeeze(1)
        predicted = y_pred.argmax(dim=1)
        self.correct += int((predicted == y_true).sum())
        self.total += len(y_true)

    def result(self):
        if self.total == 0:
            return 0.0
        return self.correct / self.total

    def reset_state(self):
        self.correct = 0
        self.total = 0
