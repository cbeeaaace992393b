"""Mistake: the metrics take no name and have no .name attribute, which the notes' logs use.

Fails: metrics_have_keras_names (failed): has no .name attribute
"""
import torch


class Mean:
    def __init__(self):
        self.total = 0.0
        self.count = 0

    def update_state(self, values):
        values = torch.as_tensor(values).detach()
        self.total += float(values.sum())
        self.count += values.numel()

    def result(self):
        if self.count == 0:
            return 0.0
        return self.total / self.count

    def reset_state(self):
        self.total = 0.0
        self.count = 0


class SparseCategoricalAccuracy:
    def __init__(self):
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
