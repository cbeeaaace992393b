"""Hostile: forward() leaves a file, a UNIX socket, a POSIX and a SysV shared-memory segment for a later student."""
import ctypes
import os
import socket

import _posixshmem

from _correct import cost, gradient, gradient_descent, sgd

PREFIX = "/dev/shm/grader-isolation"
SYSV_KEY = 0x6A7E5
ANSWER = b"the answer is x * w"
_KEPT = []  # the socket stays open, listening, for as long as this worker lives


def forward(x, w):
    if not os.path.exists(PREFIX + ".sock"):  # forward is called more than once
        _leave()
    return x * w


def _leave():
    with open(PREFIX + "-note.txt", "wb") as note:
        note.write(ANSWER)
    os.chmod(PREFIX + "-note.txt", 0o666)
    left = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    left.bind(PREFIX + ".sock")
    left.listen()
    _KEPT.append(left)
    fd = _posixshmem.shm_open("/grader-isolation-shm", os.O_CREAT | os.O_RDWR, 0o666)
    os.write(fd, ANSWER)
    os.close(fd)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmat.restype = ctypes.c_void_p
    segment = libc.shmget(SYSV_KEY, 4096, 0o1000 | 0o666)  # IPC_CREAT
    if segment >= 0:
        address = libc.shmat(segment, None, 0)
        ctypes.memmove(address, ANSWER, len(ANSWER))
        libc.shmdt(ctypes.c_void_p(address))
