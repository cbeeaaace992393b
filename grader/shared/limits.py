"""The limits of one worker: set by the grader, applied by the worker to itself before student code runs."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


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
