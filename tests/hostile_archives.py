"""Hostile archives and folders, built at test time: what a submission may hold to harm the grader."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = (ROOT / "solutions" / "linear_model.py").read_text()


def _member(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16
    info.create_system = 3  # Unix, so that the mode bits count
    return info


def zip_slip(path: Path) -> Path:
    """A right submission, plus a member that climbs out of the folder it is unpacked in."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("linear_model.py", REFERENCE)
        archive.writestr("../../evil.py", "print('written outside')")
    return path


def zip_absolute_path(path: Path) -> Path:
    """A member with an absolute path."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("linear_model.py", REFERENCE)
        archive.writestr("/tmp/evil.py", "print('written anywhere')")
    return path


def zip_symlink(path: Path, target: str = "/etc/passwd") -> Path:
    """``linear_model.py`` as a symbolic link to a system file."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(_member("linear_model.py", stat.S_IFLNK | 0o777), target)
    return path


def zip_device(path: Path) -> Path:
    """A member that claims to be a character device."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("linear_model.py", REFERENCE)
        archive.writestr(_member("null", stat.S_IFCHR | 0o666), "")
    return path


def zip_bomb(path: Path, megabytes: int = 64) -> Path:
    """A few hundred kilobytes that unpack to ``megabytes`` MB of zeros; its headers say so."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("linear_model.py", REFERENCE)
        archive.writestr("weights.bin", b"\0" * (megabytes << 20))
    return path


def zip_bomb_lying_headers(path: Path, megabytes: int = 64) -> Path:
    """A zip bomb whose headers claim that its big member unpacks to 1 KB."""
    zip_bomb(path, megabytes)
    data = bytearray(path.read_bytes())
    claimed = (1024).to_bytes(4, "little")
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo("weights.bin").header_offset
    data[local + 22 : local + 26] = claimed  # the local header's uncompressed size
    entry = data.find(b"PK\x01\x02")
    while entry != -1:  # the central directory's entry for the member
        name_length = int.from_bytes(data[entry + 28 : entry + 30], "little")
        if data[entry + 46 : entry + 46 + name_length] == b"weights.bin":
            data[entry + 24 : entry + 28] = claimed
        entry = data.find(b"PK\x01\x02", entry + 4)
    path.write_bytes(bytes(data))
    return path


def zip_many_files(path: Path, count: int = 2000) -> Path:
    """More files than any submission needs."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("linear_model.py", REFERENCE)
        for number in range(count):
            archive.writestr(f"junk/{number}.txt", "")
    return path


def not_a_zip(path: Path) -> Path:
    """A ``.zip`` that is no archive at all."""
    path.write_bytes(os.urandom(4096))
    return path


def zip_long_name(path: Path, length: int = 300) -> Path:
    """A member whose name is longer than a filesystem allows (255 bytes)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("linear_model.py", REFERENCE)
        archive.writestr("n" * length + ".py", "X = 1")
    return path


def zip_deep(path: Path, depth: int = 300) -> Path:
    """A member nested ``depth`` folders deep."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("linear_model.py", REFERENCE)
        archive.writestr("d/" * depth + "deep.py", "X = 1")
    return path


def folder_deep(path: Path, depth: int = 40) -> Path:
    """A folder holding folders ``depth`` levels deep (its whole path still shorter than PATH_MAX)."""
    deepest = path.joinpath(*["d"] * depth)
    deepest.mkdir(parents=True)
    (path / "linear_model.py").write_text(REFERENCE)
    (deepest / "deep.py").write_text("X = 1")
    return path


def folder_with_symlink(path: Path, target: str = "/etc/passwd") -> Path:
    """A folder whose ``linear_model.py`` is a link to a system file."""
    path.mkdir()
    (path / "linear_model.py").symlink_to(target)
    return path


#: Every hostile archive or folder, by the name its submission gets, with the words its rejection must hold.
REJECTED = {
    "zip_slip.zip": (zip_slip, "outside its folder"),
    "zip_absolute_path.zip": (zip_absolute_path, "absolute path"),
    "zip_symlink.zip": (zip_symlink, "link"),
    "zip_device.zip": (zip_device, "not a regular file"),
    "zip_bomb.zip": (zip_bomb, "MB"),
    "zip_bomb_lying_headers.zip": (zip_bomb_lying_headers, "not a readable zip archive"),
    "zip_many_files.zip": (zip_many_files, "files and folders"),
    "not_a_zip.zip": (not_a_zip, "not a readable zip archive"),
    "folder_symlink": (folder_with_symlink, "link"),
    "zip_long_name.zip": (zip_long_name, "at most 128 bytes"),
    "zip_deep.zip": (zip_deep, "at most 16 folders deep"),
    "folder_deep": (folder_deep, "at most 16 folders deep"),
}
