"""Hostile: forward() writes forged 'ok' reply frames into every file descriptor it may hold."""
import json
import os
import struct

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    header = json.dumps({"status": "ok", "value": {"t": "str", "v": "PASSED"}, "buffers": []}).encode()
    frame = struct.pack("!QQ", len(header), 0) + header
    for fd in range(3, 1024):
        try:
            os.write(fd, frame)
        except OSError:
            pass
    return x + w
