"""Hostile: forward() copies another student's submission (its path is in hostile.json)."""
import json

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    paths = json.load(open("hostile.json"))["other_student_files"]
    return [open(path).read()[:20] for path in paths]
