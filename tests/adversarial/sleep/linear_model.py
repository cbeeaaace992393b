"""Hostile: forward() sleeps for an hour."""
import time

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    time.sleep(3600)
