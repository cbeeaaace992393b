"""Landlock: the kernel's file and network access rules for an unprivileged process (Linux 5.13+).

A worker calls :func:`restrict` once, before it imports student code: from then on it may
read only beneath the paths it names, write only beneath the writable ones, open no TCP
connection, and signal no process outside itself. The rules hold for the worker and every
process it starts, cannot be lifted, and apply even where Unix permissions would allow
more, so ``solutions/``, the checks and the other students' files stay out of reach.
Syscalls are made through ``ctypes``; the numbers are the same on every architecture.
"""

from __future__ import annotations

import ctypes
import errno
import os
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

# Access rights to files: bits 0-12 since ABI 1 (execute, write, read, read dir, remove and
# make things), then refer (ABI 2), truncate (ABI 3) and ioctl on devices (ABI 5).
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_TRUNCATE, IOCTL_DEV = 1 << 14, 1 << 15
_FS_RIGHTS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1}
_FS_ALL = (1 << 16) - 1  # ABI 5 and later
# Network (ABI 4): handled and never allowed, so no TCP bind or connect at all.
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1
# Scopes (ABI 6): no abstract Unix sockets or signals reaching outside the sandbox.
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1 << 0, 1 << 1

#: What a read-only path allows: list, read and execute (the interpreter, site-packages).
READ = EXECUTE | READ_FILE | READ_DIR
#: The rights that apply to a single file rather than a directory.
_FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | _TRUNCATE | IOCTL_DEV


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class LandlockUnavailable(OSError):
    """This kernel or system has no Landlock (older than 5.13, disabled, or not Linux)."""


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def abi_version() -> int:
    """The Landlock ABI this kernel offers; :class:`LandlockUnavailable` where there is none."""
    if not sys.platform.startswith("linux"):
        raise LandlockUnavailable(errno.ENOSYS, f"Landlock is a Linux feature; this is {sys.platform}")
    try:
        syscall = _libc().syscall
    except (OSError, AttributeError) as exc:
        raise LandlockUnavailable(errno.ENOSYS, "no syscall() in this C library") from exc
    syscall.restype = ctypes.c_long
    version = syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    if version < 0:
        code = ctypes.get_errno()
        raise LandlockUnavailable(code, f"Landlock is not available ({os.strerror(code)})")
    return int(version)


def restrict(read: Iterable[Path], write: Iterable[Path], devices: Iterable[Path] = ()) -> int:
    """Allow reading beneath ``read``, everything beneath ``write``, device use beneath ``devices``.

    Everything else on the file system is denied to this process and its children, as are
    TCP connections and signals to processes outside (where the ABI offers them). Paths
    that do not exist are skipped. Returns the ABI version in force.
    """
    abi = abi_version()
    handled_fs = _FS_RIGHTS_BY_ABI.get(abi, _FS_ALL)
    attr = _RulesetAttr(handled_fs, 0, 0)
    size = 8
    if abi >= 4:
        attr.handled_access_net, size = _NET_BIND_TCP | _NET_CONNECT_TCP, 16
    if abi >= 6:
        attr.scoped, size = _SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL, 24
    libc = _libc()
    libc.syscall.restype = ctypes.c_long
    ruleset = libc.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        code = ctypes.get_errno()
        raise LandlockUnavailable(code, f"could not create a Landlock ruleset ({os.strerror(code)})")
    try:
        for paths, rights in ((read, READ), (write, handled_fs),
                              (devices, READ_FILE | WRITE_FILE | READ_DIR | IOCTL_DEV)):
            for path in paths:
                _allow(libc, ruleset, Path(path), rights & handled_fs)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "could not set no_new_privs")
        if libc.syscall(_SYS_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            code = ctypes.get_errno()
            raise OSError(code, f"could not enforce the Landlock ruleset ({os.strerror(code)})")
    finally:
        os.close(ruleset)
    return abi


def _allow(libc: ctypes.CDLL, ruleset: int, path: Path, rights: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # a path this system does not have needs no rule
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            rights &= _FILE_RIGHTS
        attr = _PathBeneathAttr(rights, fd)
        if libc.syscall(_SYS_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(_RULE_PATH_BENEATH),
                        ctypes.byref(attr), ctypes.c_uint32(0)) != 0:
            code = ctypes.get_errno()
            raise OSError(code, f"could not add a Landlock rule for {path} ({os.strerror(code)})")
    finally:
        os.close(fd)
