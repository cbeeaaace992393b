"""Hostile: forward() returns an object that claims to equal anything and breaks when printed."""
from _correct import cost, gradient, gradient_descent, sgd


class Liar:
    shape = (17,)
    dtype = "torch.float32"

    def __eq__(self, other):
        return True

    def __repr__(self):
        raise RuntimeError("no repr for you")

    def __len__(self):
        return 17

    def __float__(self):
        raise ValueError("no float either")


def forward(x, w):
    return Liar()
