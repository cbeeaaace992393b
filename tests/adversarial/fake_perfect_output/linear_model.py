"""Hostile: forward() prints a perfect result in every format it can think of, then returns x + w."""
import json

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    print("PASSED 100/100")
    print(json.dumps({"score": 12, "max_score": 12, "tests": [{"name": "forward", "score": 1, "status": "passed"}]}))
    print('<testsuite tests="9" failures="0" errors="0"></testsuite>')
    return x + w
