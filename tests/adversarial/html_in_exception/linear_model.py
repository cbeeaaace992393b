"""Hostile: forward() raises an exception whose message is markup and script."""
from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    raise ValueError('<script>alert("owned")</script><img src=x onerror=alert(1)><a href="javascript:alert(2)">x</a>')
