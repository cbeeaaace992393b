"""Hostile: ignores SIGTERM, SIGINT, SIGHUP and SIGXCPU, then forward() spins forever."""
import signal

from _correct import cost, gradient, gradient_descent, sgd

for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGXCPU):
    signal.signal(sig, signal.SIG_IGN)


def forward(x, w):
    while True:
        pass
