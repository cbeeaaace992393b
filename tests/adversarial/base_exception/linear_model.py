"""Hostile: forward() raises a BaseException subclass that no 'except Exception' catches."""
from _correct import cost, gradient, gradient_descent, sgd


class Escape(BaseException):
    pass


def forward(x, w):
    raise Escape("caught by nobody")
