"""Processes of a worker, as both sides name and find them (Linux; elsewhere the calls do nothing)."""

from __future__ import annotations

import ctypes
import os
import signal

#: First user id of the workers' users: worker ``pid`` runs as ``UID_BASE + pid``. Far above
#: the ids that systems, containers (systemd-nspawn ends at 0x6FFFFFFF) and directories give out.
UID_BASE = 2_000_000_000


def worker_uid(pid: int) -> int:
    """The user (and group) id worker ``pid`` runs as when the grader runs as root."""
    return UID_BASE + pid


def set_parent_death_signal(sig: int = signal.SIGKILL) -> None:
    """Ask Linux to send ``sig`` to this process when its parent dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(sig), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def processes_of(uid: int) -> list[int]:
    """The processes whose real user is ``uid`` (all of one worker's, when it has a user of its own)."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:  # read as bytes: this also runs while the interpreter shuts down, when codecs may be gone
            with open(f"/proc/{entry.name}/status", "rb") as status:
                real = next((line.split()[1] for line in status if line.startswith(b"Uid:")), None)
        except (OSError, IndexError):
            continue
        if real == str(uid).encode():
            found.append(int(entry.name))
    return found
