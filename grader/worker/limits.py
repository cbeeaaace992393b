"""Resource limits a worker applies to itself before it imports student code."""

from __future__ import annotations

import os
import resource

from grader.shared.limits import Limits

_MIB = 1024 * 1024


def current_address_space() -> int:
    """Bytes of address space this process maps now (torch alone maps about 3.5 GB)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def apply(limits: Limits, *, cuda: bool = False, own_user: bool = False) -> list[str]:
    """Apply ``limits`` to this process; return the protections that could not be set.

    ``own_user`` says the process runs as a user no other process has, so that a limit on
    processes counts its own alone (root ignores that limit anyway).
    """
    missing: list[str] = []
    _set(resource.RLIMIT_CORE, 0, missing, "core dumps")
    if limits.processes is not None:
        if own_user:
            _set(resource.RLIMIT_NPROC, limits.processes, missing, "process count")
        else:
            missing.append("process count (needs a user of its own per worker)")
    if limits.cpu_s is not None:
        _set(resource.RLIMIT_CPU, limits.cpu_s, missing, "CPU time")
    if limits.open_files is not None:
        _set(resource.RLIMIT_NOFILE, limits.open_files, missing, "open files")
    if limits.file_size_mb is not None:
        _set(resource.RLIMIT_FSIZE, limits.file_size_mb * _MIB, missing, "file size")
    # CUDA maps a very large virtual range of its own: an address-space limit would break it.
    if limits.memory_mb is not None and not cuda:
        try:
            budget = current_address_space() + limits.memory_mb * _MIB
        except OSError:
            missing.append("memory (no /proc)")
        else:
            _set(resource.RLIMIT_AS, budget, missing, "memory")
    return missing


def _set(which: int, value: int, missing: list[str], name: str) -> None:
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    try:
        resource.setrlimit(which, (value, value if hard == resource.RLIM_INFINITY else hard))
    except (ValueError, OSError):
        missing.append(name)
