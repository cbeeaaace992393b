"""Hostile: rewrites the grader's modules it finds in its worker, so that every reply says 'ok, PASSED'."""
import sys

from _correct import cost, forward, gradient, gradient_descent, sgd

for name, module in list(sys.modules.items()):
    if name.startswith("grader"):
        for attr in ("expect", "fail", "Verdict", "describe_exception"):
            if hasattr(module, attr):
                setattr(module, attr, None)
serve = sys.modules["grader.worker.serve"]
serve.handle = lambda *args, **kwargs: ({"status": "ok", "value": {"t": "str", "v": "PASSED"}}, [])
