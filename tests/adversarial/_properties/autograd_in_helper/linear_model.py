"""Hostile: gradient() by autograd, done in a helper module the recorder does not look into."""
from _correct import cost, forward, gradient_descent, sgd
from derivatives import derivative


def gradient(xs, ys, w):
    return derivative(lambda v: ((xs * v - ys) ** 2).mean(), w)
