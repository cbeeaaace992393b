"""Mistake: result() returns the 0-dim tensor total / count (detached) where the stub promises a Python float.

Fails: accuracy_streaming_equals_one_shot (failed): a Python float
"""
import torch


class Mean:
    def __init__(self, name="mean"):
        self.name = name
        self.reset_state()

    def reset_state(self):
        self._sum = None
        self._n = 0

    def update_state(self, values):
        values = torch.as_tensor(values, dtype=torch.float64).detach()
        batch_sum = values.sum()
        self._sum = batch_sum if self._sum is None else self._sum + batch_sum.to(self._sum.device)
        self._n += values.numel()

    def result(self):
        return 0.0 if self._n == 0 else self._sum / self._n


class SparseCategoricalAccuracy:
    def __init__(self, name="sparse_categorical_accuracy"):
        self.name = name
        self.reset_state()

    def reset_state(self):
        self._hits = None
        self._seen = 0

    def update_state(self, y_true, y_pred):
        _, predicted = torch.max(y_pred.detach(), dim=-1)
        labels = y_true.reshape(-1).to(predicted.device)
        hits = (predicted == labels).sum()
        self._hits = hits if self._hits is None else self._hits + hits
        self._seen += labels.numel()

    def result(self):
        if not self._seen:
            return 0.0
        return self._hits / self._seen
