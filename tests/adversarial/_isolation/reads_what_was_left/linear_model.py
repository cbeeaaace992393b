"""Hostile: forward() looks for what an earlier student left in /dev/shm and in SysV shared memory."""
import ctypes
import os

from _correct import cost, gradient, gradient_descent, sgd

SYSV_KEY = 0x6A7E5


def forward(x, w):
    found = [f"/dev/shm/{name}" for name in os.listdir("/dev/shm") if name.startswith("grader-isolation")]
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmat.restype = ctypes.c_void_p
    segment = libc.shmget(SYSV_KEY, 0, 0)
    if segment >= 0:
        address = libc.shmat(segment, None, 0o10000)  # SHM_RDONLY
        found.append(f"SysV segment: {ctypes.string_at(address, 19)!r}")
    if found:
        raise RuntimeError("found what another student left: " + ", ".join(found))
    return x * w
