"""Hostile: forward() writes into files outside its folder (paths in hostile.json), then returns right."""
import json

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    for path in json.load(open("hostile.json"))["targets"]:
        with open(path, "a") as target:
            target.write("pwned")
    return x * w
