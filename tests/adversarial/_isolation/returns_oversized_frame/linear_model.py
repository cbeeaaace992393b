"""Hostile: forward() writes its own 400 MB reply on the grader's channel, past the worker's size check."""
import os
import socket
import stat
import sys

from grader.shared import wire

from _correct import cost, gradient, gradient_descent, sgd


def _channel():
    for fd in range(3, 1024):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                return socket.socket(fileno=os.dup(fd))
        except OSError:
            continue
    raise RuntimeError("no channel found")


def _nonce():
    frame = sys._getframe()
    while frame is not None:
        header = frame.f_locals.get("header")
        if isinstance(header, dict) and "nonce" in header:
            return header["nonce"]
        frame = frame.f_back
    raise RuntimeError("no nonce found")


def forward(x, w):
    tree, buffers = wire.encode(x * w)
    buffers.append(b"\0" * (400 << 20))
    wire.send_message(_channel(), {"status": "ok", "value": tree, "nonce": _nonce()}, buffers)
    return x * w
