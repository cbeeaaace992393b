"""Taking in a submission, a folder or a ``.zip``, as untrusted input, before any worker sees it.

:func:`stage` copies a folder or unpacks an archive into a fresh folder, refusing what could
reach outside it or swamp the machine: absolute paths, ``..``, links and special files,
encrypted members, more files or more bytes than :class:`~grader.worker.limits.Limits`
allows. An archive's headers may lie about sizes, so the bytes are also counted while
unpacking. A refusal is a :class:`Rejected` whose reason is written for the instructor.
:func:`content_hash` names a submission's content, so a batch knows what it has graded.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO, Any

from grader.worker.limits import Limits

#: Entries that are never part of a submission: caches, version control, archivers' extras.
IGNORED = frozenset({"__pycache__", ".git", ".ipynb_checkpoints", "__MACOSX", ".DS_Store"})
_CHUNK = 1 << 16
_MIB = 1024 * 1024


class Rejected(Exception):
    """A submission the grader refuses to take in; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _ignored(name: str) -> bool:
    return name in IGNORED or name.endswith(".pyc")


def content_hash(path: Path, limits: Limits) -> str:
    """SHA-256 of a submission's content: an archive's bytes, or a folder's names and bytes.

    Reads at most the submission size limit (what is larger is rejected anyway), and never
    follows a link: a link's target text is hashed instead.
    """
    digest = hashlib.sha256()
    budget = [limits.submission_mb * _MIB]
    if path.is_file():
        _hash_file(path, digest, budget)
        return digest.hexdigest()
    for relative, entry in sorted(_walk(path), key=lambda item: item[0]):
        digest.update(relative.encode("utf-8", "surrogateescape") + b"\0")
        if entry.is_symlink():
            digest.update(b"link\0" + os.fsencode(os.readlink(entry.path)) + b"\0")
        elif entry.is_file(follow_symlinks=False):
            _hash_file(Path(entry.path), digest, budget)
    return digest.hexdigest()


def _hash_file(path: Path, digest: Any, budget: list[int]) -> None:
    size = path.lstat().st_size
    digest.update(f"{size}\0".encode())
    with open(path, "rb") as handle:
        while budget[0] > 0 and (chunk := handle.read(min(_CHUNK, budget[0]))):
            digest.update(chunk)
            budget[0] -= len(chunk)


def _walk(folder: Path, prefix: str = "") -> list[tuple[str, os.DirEntry[str]]]:
    """Every entry under ``folder`` (not following links), as (relative path, entry)."""
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if _ignored(entry.name):
                continue
            relative = f"{prefix}{entry.name}"
            found.append((relative, entry))
            if entry.is_dir(follow_symlinks=False):
                found.extend(_walk(Path(entry.path), relative + "/"))
    return found


def stage(source: Path, target: Path, limits: Limits) -> Path:
    """Copy the folder, or unpack the ``.zip``, ``source`` into the new folder ``target``."""
    if source.is_symlink():
        raise Rejected(f"the submission is a link to {os.readlink(source)}; links are not accepted")
    target.mkdir(parents=True)
    try:
        if source.is_dir():
            _copy_folder(source, target, limits)
        else:
            _unpack(source, target, limits)
    except Rejected:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return target


def _copy_folder(source: Path, target: Path, limits: Limits) -> None:
    entries = _walk(source)
    _check_count(len(entries), limits)
    total = 0
    for relative, entry in entries:
        info = entry.stat(follow_symlinks=False)
        if stat.S_ISLNK(info.st_mode):
            raise Rejected(f"it holds a link, {relative} -> {os.readlink(entry.path)}; links are not accepted "
                           "(a link may point at files outside the submission)")
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
            raise Rejected(f"{relative} is not a regular file or folder")
    for relative, entry in entries:
        destination = target / relative
        if entry.is_dir(follow_symlinks=False):
            destination.mkdir()
            continue
        with open(entry.path, "rb") as handle:
            total = _write(handle, destination, total, limits, relative)


def _unpack(archive: Path, target: Path, limits: Limits) -> None:
    if archive.stat().st_size > limits.submission_mb * _MIB:
        raise Rejected(f"the archive is larger than {limits.submission_mb} MB")
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = [m for m in zipped.infolist() if not _ignored_member(m.filename)]
            _check_count(len(members), limits)
            names = [_member_path(m) for m in members]
            declared = sum(m.file_size for m in members)
            if declared > limits.submission_mb * _MIB:
                raise Rejected(f"it unpacks to {declared / _MIB:.0f} MB, more than the {limits.submission_mb} MB allowed")
            strip = _common_folder(names, members)
            total = 0
            for member, name in zip(members, names):
                relative = PurePosixPath(*name.parts[strip:])
                if not relative.parts:
                    continue
                destination = target.joinpath(*relative.parts)
                if member.is_dir():
                    destination.mkdir(parents=True, exist_ok=True)
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(member) as handle:
                    total = _write(handle, destination, total, limits, str(relative))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError) as exc:
        raise Rejected(f"it is not a readable zip archive ({exc})") from None
    except (FileExistsError, NotADirectoryError, IsADirectoryError) as exc:
        raise Rejected(f"the archive holds entries that collide ({Path(exc.filename or '?').name})") from None


def _ignored_member(name: str) -> bool:
    return any(_ignored(part) for part in name.split("/"))


def _member_path(member: zipfile.ZipInfo) -> PurePosixPath:
    """The member's path, or :class:`Rejected` if it could land outside the folder or is no plain file."""
    name = member.filename
    if "\0" in name or "\\" in name or (len(name) > 1 and name[1] == ":"):
        raise Rejected(f"the archive holds a member with an unsafe name: {name!r}")
    if name.startswith("/"):
        raise Rejected(f"the archive holds a member with an absolute path: {name!r}")
    path = PurePosixPath(name)
    if ".." in path.parts:
        raise Rejected(f"the archive holds a member that points outside its folder: {name!r}")
    kind = stat.S_IFMT(member.external_attr >> 16)
    if kind == stat.S_IFLNK:
        raise Rejected(f"the archive holds a link, {name!r}; links are not accepted "
                       "(a link may point at files outside the submission)")
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise Rejected(f"the archive holds {name!r}, which is not a regular file or folder")
    if member.flag_bits & 0x1:
        raise Rejected(f"the archive holds an encrypted member, {name!r}")
    return path


def _common_folder(names: list[PurePosixPath], members: list[zipfile.ZipInfo]) -> int:
    """1 where every member sits in one top folder (``alice/linear_model.py``), which is dropped; else 0."""
    tops = {n.parts[0] for n in names if n.parts}
    files_at_top = any(len(n.parts) == 1 and not m.is_dir() for n, m in zip(names, members))
    return 1 if len(tops) == 1 and not files_at_top else 0


def _check_count(count: int, limits: Limits) -> None:
    if count > limits.submission_files:
        raise Rejected(f"it holds {count} files and folders, more than the {limits.submission_files} allowed")


def _write(handle: IO[bytes], destination: Path, total: int, limits: Limits, relative: str) -> int:
    """Copy ``handle`` into the new file ``destination``, stopping once the whole submission is too large."""
    if destination.exists() or destination.is_symlink():
        raise Rejected(f"the archive holds {relative} twice")
    fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "wb") as out:
        while chunk := handle.read(_CHUNK):
            total += len(chunk)
            if total > limits.submission_mb * _MIB:
                raise Rejected(f"it holds more than the {limits.submission_mb} MB allowed")
            out.write(chunk)
    return total
