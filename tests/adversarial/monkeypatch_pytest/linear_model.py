"""Hostile: imports pytest and makes its failures and approx comparisons harmless, then returns x + w."""
import pytest
import _pytest.outcomes

from _correct import cost, gradient, gradient_descent, sgd

pytest.fail = _pytest.outcomes.fail = lambda *args, **kwargs: None
pytest.approx = lambda expected, *args, **kwargs: type("Anything", (), {"__eq__": lambda self, other: True})()


def forward(x, w):
    return x + w
