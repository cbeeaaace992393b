"""Hostile: one_hot returns at once an empty tensor subclass; a Python loop over the labels fills it in
when a torch function first touches it, which used to be the digest, after the clock had stopped."""
from array import array

import torch


class LazyOneHot(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        for arg in args:
            if isinstance(arg, LazyOneHot):
                arg.fill_in()
        with torch._C.DisableTorchFunctionSubclass():
            return func(*args, **(kwargs or {}))

    def fill_in(self):
        if self.__dict__.get("done", True):
            return
        self.__dict__["done"] = True
        labels, classes = self.__dict__["labels"].tolist(), self.__dict__["classes"]
        flat = array("f", bytes(4 * len(labels) * classes))
        for row, label in enumerate(labels):
            flat[row * classes + label] = 1.0
        with torch._C.DisableTorchFunctionSubclass():
            self.copy_(torch.frombuffer(flat, dtype=torch.float32).reshape(self.shape))


def one_hot(target, num_classes):
    encoded = torch.empty(len(target), num_classes).as_subclass(LazyOneHot)
    encoded.__dict__.update(labels=target, classes=num_classes, done=False)
    return encoded


def one_hot_along(indices, num_classes, dim):
    raise NotImplementedError("one_hot_along: not attacked here")
