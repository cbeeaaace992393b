"""Resource limits a worker applies to itself before it imports student code."""

from __future__ import annotations

import os
import resource
from dataclasses import asdict, dataclass
from typing import Any

_MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Limits of one worker. ``None`` leaves a limit as the OS has it."""

    #: Wall-clock seconds for one call of the student's code, enforced by the grader, which
    #: kills the worker; ``None`` keeps each exercise's own limit from the catalog.
    call_timeout_s: float | None = None
    #: CPU seconds for the whole worker; the kernel stops it with SIGXCPU past this.
    cpu_s: int | None = 600
    #: Address space the worker may add to what it holds once torch is imported (CPU runs).
    memory_mb: int | None = 4096
    #: Open file descriptors.
    open_files: int | None = 256
    #: Largest file the worker may write.
    file_size_mb: int | None = 256
    #: Everything the worker's folder (its copy of the submission and its temporary files)
    #: may hold at once: a size-limited file system of its own, where the grader runs as root.
    disk_mb: int | None = 512
    #: Everything the worker's private ``/dev/shm`` may hold (it is memory outside ``memory_mb``).
    shm_mb: int | None = 64
    #: Processes and threads the worker's user may run at once (a fork bomb stops here);
    #: applied where the worker runs as a user of its own (the grader runs as root).
    processes: int | None = 64
    #: Most data one call may send back to the grader (a tensor of 10**8 floats is 400 MB).
    reply_mb: int | None = 256
    #: Threads torch uses for intra-op parallelism in the worker.
    threads: int = 1
    #: Largest submission, unpacked, and most files it may hold; checked by the grader
    #: before a worker sees it (an archive's headers may lie, so also while unpacking).
    submission_mb: int = 50
    submission_files: int = 500

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Limits:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


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
