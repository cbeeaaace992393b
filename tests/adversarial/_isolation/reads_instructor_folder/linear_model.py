"""Hostile: forward() looks in every folder on sys.path for the instructor's files (the class's gradebook)."""
import os
import sys

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    found = []
    for entry in list(sys.path):
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in ("instructor_notes.py", "gradebook-marker.txt"):
            if name in names:
                with open(os.path.join(entry or ".", name)) as secret:
                    found.append(f"{entry}/{name}: {secret.read().strip()}")
    try:
        import instructor_notes

        found.append(f"imported instructor_notes: {instructor_notes.ANSWER}")
    except ImportError:
        pass
    if found:
        raise RuntimeError("read the instructor's folder: " + "; ".join(found))
    return x * w
