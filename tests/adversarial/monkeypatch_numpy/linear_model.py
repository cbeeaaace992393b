"""Hostile: makes numpy's comparisons always agree, then returns x + w."""
import numpy
import numpy.testing

from _correct import cost, gradient, gradient_descent, sgd

numpy.allclose = lambda *args, **kwargs: True
numpy.array_equal = lambda *args, **kwargs: True
numpy.isclose = lambda a, b, *args, **kwargs: numpy.ones_like(a, dtype=bool)
numpy.testing.assert_allclose = lambda *args, **kwargs: None


def forward(x, w):
    return x + w
