"""Hostile: starts threads at import that print and spin for ever; the functions themselves are right."""
import threading
import time

from _correct import cost, forward, gradient, gradient_descent, sgd


def _chatter():
    while True:
        print("PASSED 100/100 (from a thread)")
        time.sleep(0.01)


for _ in range(3):
    threading.Thread(target=_chatter, daemon=True).start()
