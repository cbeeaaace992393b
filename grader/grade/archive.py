"""Taking in a submission, a folder or a ``.zip``, as untrusted input, before any worker sees it.

:func:`stage` copies a folder or unpacks an archive into a fresh folder, refusing what could
reach outside it or swamp the machine: absolute paths, ``..``, links and special files,
encrypted members, more files or more bytes than :class:`~grader.shared.limits.Limits`
allows, folders deeper than :data:`MAX_DEPTH` or names longer than :data:`MAX_NAME_BYTES`.
An archive's headers may lie about sizes, so the bytes are also counted while unpacking.
A refusal is a :class:`Rejected` whose reason is written for the instructor.
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

from grader.shared.limits import Limits
from grader.visible import visible_name

#: Entries that are never part of a submission: caches, version control, archivers' extras.
IGNORED = frozenset({"__pycache__", ".git", ".ipynb_checkpoints", "__MACOSX", ".DS_Store"})
#: Folder levels a submission may hold, and bytes in one file or folder name: far more than
#: a course needs, and far enough below the filesystem's limits (255 bytes a name, 4096 a path)
#: that staging a submission under the grader's own folders can never meet them.
MAX_DEPTH, MAX_NAME_BYTES = 16, 128
_CHUNK = 1 << 16
_MIB = 1024 * 1024
_SHOWN_CHARS = 80


class Rejected(Exception):
    """A submission the grader refuses to take in; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _ignored(name: str) -> bool:
    return name in IGNORED or name.endswith(".pyc")


def shown_path(path: str) -> str:
    """``path`` as a reason shows it: neutralised, and shortened in its middle if long."""
    if len(path) > _SHOWN_CHARS:
        path = f"{path[:_SHOWN_CHARS // 2]}...{path[-_SHOWN_CHARS // 2:]}"
    return f"'{visible_name(path)}'"


def _check_shape(parts: tuple[str, ...] | list[str]) -> None:
    """:class:`Rejected` if a path of these parts is deeper than :data:`MAX_DEPTH` or has a name too long."""
    path = "/".join(parts)
    for part in parts:
        size = len(part.encode("utf-8", "surrogateescape"))
        if size > MAX_NAME_BYTES:
            raise Rejected(f"it holds a name of {size} bytes, {shown_path(part)}; names may be at most "
                           f"{MAX_NAME_BYTES} bytes long. Rename it and submit again.")
    if len(parts) > MAX_DEPTH + 1:
        raise Rejected(f"it holds {shown_path(path)}, {len(parts) - 1} folders deep; a submission may be at most "
                       f"{MAX_DEPTH} folders deep. Flatten its folders and submit again.")


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


def _walk(folder: Path, parents: tuple[str, ...] = ()) -> list[tuple[str, os.DirEntry[str]]]:
    """Every entry under ``folder`` (not following links), as (relative path, entry).

    :class:`Rejected` once a path is too deep or a name too long: never deeper than
    :data:`MAX_DEPTH`, so the paths it opens stay far below the filesystem's limits.
    """
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if _ignored(entry.name):
                continue
            parts = (*parents, entry.name)
            _check_shape(parts)
            found.append(("/".join(parts), entry))
            if entry.is_dir(follow_symlinks=False):
                found.extend(_walk(Path(entry.path), parts))
    return found


def stage(source: Path, target: Path, limits: Limits) -> Path:
    """Copy the folder, or unpack the ``.zip``, ``source`` into the new folder ``target``."""
    if source.is_symlink():
        raise Rejected(f"the submission is a link to {shown_path(os.readlink(source))}; links are not accepted")
    target.mkdir(parents=True)
    try:
        if source.is_dir():
            _copy_folder(source, target, limits)
        else:
            _unpack(source, target, limits)
    except BaseException:
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
            raise Rejected(f"it holds a link, {shown_path(relative)} -> {shown_path(os.readlink(entry.path))}; "
                           "links are not accepted "
                           "(a link may point at files outside the submission)")
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
            raise Rejected(f"{shown_path(relative)} is not a regular file or folder")
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
        collided = shown_path(Path(exc.filename or "?").name)
        raise Rejected(f"the archive holds entries that collide ({collided})") from None


def _ignored_member(name: str) -> bool:
    return any(_ignored(part) for part in name.split("/"))


def _member_path(member: zipfile.ZipInfo) -> PurePosixPath:
    """The member's path, or :class:`Rejected` if it could land outside the folder or is no plain file."""
    name = member.filename
    if "\0" in name or "\\" in name or (len(name) > 1 and name[1] == ":"):
        raise Rejected(f"the archive holds a member with an unsafe name: {shown_path(name)}")
    if name.startswith("/"):
        raise Rejected(f"the archive holds a member with an absolute path: {shown_path(name)}")
    path = PurePosixPath(name)
    if ".." in path.parts:
        raise Rejected(f"the archive holds a member that points outside its folder: {shown_path(name)}")
    _check_shape(path.parts)
    kind = stat.S_IFMT(member.external_attr >> 16)
    if kind == stat.S_IFLNK:
        raise Rejected(f"the archive holds a link, {shown_path(name)}; links are not accepted "
                       "(a link may point at files outside the submission)")
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise Rejected(f"the archive holds {shown_path(name)}, which is not a regular file or folder")
    if member.flag_bits & 0x1:
        raise Rejected(f"the archive holds an encrypted member, {shown_path(name)}")
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
        raise Rejected(f"the archive holds {shown_path(relative)} twice")
    fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "wb") as out:
        while chunk := handle.read(_CHUNK):
            total += len(chunk)
            if total > limits.submission_mb * _MIB:
                raise Rejected(f"it holds more than the {limits.submission_mb} MB allowed")
            out.write(chunk)
    return total
