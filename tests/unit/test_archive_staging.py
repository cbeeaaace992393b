"""grader/grade/archive.py: more of what staging refuses or drops, on archives and folders built here."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from grader.grade.archive import Rejected, content_hash, stage
from grader.shared.limits import Limits

SOURCE = "def forward(x, w):\n    return x * w\n"


def zipped(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


@pytest.mark.parametrize("name", ["dir\\linear_model.py", "C:linear_model.py"])
def test_a_member_named_as_on_windows_is_refused(tmp_path, name):
    archive = zipped(tmp_path / "a.zip", {"linear_model.py": SOURCE, name: "X = 1"})
    with pytest.raises(Rejected, match="unsafe name"):
        stage(archive, tmp_path / "staged", Limits())
    assert not (tmp_path / "staged").exists()


def test_an_encrypted_member_is_refused(tmp_path):
    archive = zipped(tmp_path / "a.zip", {"linear_model.py": SOURCE})
    data = bytearray(archive.read_bytes())  # zipfile writes no encrypted member: set the flag in both headers
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        data[data.find(signature) + flags_at] |= 0x1
    archive.write_bytes(bytes(data))
    with pytest.raises(Rejected, match="encrypted member, 'linear_model.py'"):
        stage(archive, tmp_path / "staged", Limits())


def test_an_archive_with_files_beside_its_folder_is_unpacked_as_it_is(tmp_path):
    archive = zipped(tmp_path / "a.zip", {"linear_model.py": SOURCE, "helpers/util.py": "X = 1"})
    staged = stage(archive, tmp_path / "staged", Limits())
    assert sorted(p.relative_to(staged).as_posix() for p in staged.rglob("*.py")) == ["helpers/util.py",
                                                                                       "linear_model.py"]


def test_caches_and_compiled_files_in_an_archive_are_dropped(tmp_path):
    archive = zipped(tmp_path / "a.zip", {"alice/linear_model.py": SOURCE, "alice/__pycache__/x.cpython-311.pyc": "",
                                          "alice/old.pyc": "", "alice/.git/HEAD": "ref", "alice/.DS_Store": ""})
    staged = stage(archive, tmp_path / "staged", Limits())
    assert sorted(p.name for p in staged.rglob("*")) == ["linear_model.py"]


def test_a_file_and_a_folder_of_one_name_collide(tmp_path):
    archive = zipped(tmp_path / "a.zip", {"linear_model.py": SOURCE, "helpers": "X = 1", "helpers/util.py": "Y = 2"})
    with pytest.raises(Rejected, match="collide"):
        stage(archive, tmp_path / "staged", Limits())


def test_a_folder_holding_a_pipe_is_refused(tmp_path):
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "linear_model.py").write_text(SOURCE)
    os.mkfifo(tmp_path / "alice" / "pipe")
    with pytest.raises(Rejected, match="'pipe' is not a regular file or folder"):
        stage(tmp_path / "alice", tmp_path / "staged", Limits())


def test_a_folder_of_more_files_than_allowed_is_refused_before_anything_is_copied(tmp_path):
    (tmp_path / "alice").mkdir()
    for number in range(6):
        (tmp_path / "alice" / f"m{number}.py").write_text("X = 1")
    with pytest.raises(Rejected, match="it holds 6 files and folders, more than the 5 allowed"):
        stage(tmp_path / "alice", tmp_path / "staged", Limits(submission_files=5))
    assert not (tmp_path / "staged").exists()


def test_an_archive_file_larger_than_the_limit_is_refused_unopened(tmp_path):
    (tmp_path / "a.zip").write_bytes(os.urandom(2 << 20))
    with pytest.raises(Rejected, match="the archive is larger than 1 MB"):
        stage(tmp_path / "a.zip", tmp_path / "staged", Limits(submission_mb=1))


def test_a_staged_folder_and_its_archive_unpack_to_the_same_files(tmp_path):
    (tmp_path / "alice" / "helpers").mkdir(parents=True)
    (tmp_path / "alice" / "linear_model.py").write_text(SOURCE)
    (tmp_path / "alice" / "helpers" / "util.py").write_text("X = 1")
    archive = zipped(tmp_path / "alice.zip", {"alice/linear_model.py": SOURCE, "alice/helpers/util.py": "X = 1"})
    from_folder = stage(tmp_path / "alice", tmp_path / "one", Limits())
    from_archive = stage(archive, tmp_path / "two", Limits())
    assert content_hash(from_folder, Limits()) == content_hash(from_archive, Limits())


def test_a_renamed_file_changes_the_content_hash(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "linear_model.py").write_text(SOURCE)
    before = content_hash(tmp_path / "a", Limits())
    (tmp_path / "a" / "linear_model.py").rename(tmp_path / "a" / "linear_model_v2.py")
    assert content_hash(tmp_path / "a", Limits()) != before
