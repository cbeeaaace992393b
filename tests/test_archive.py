"""Taking in submissions: folders are copied and archives unpacked only when nothing in them can do harm."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT
from hostile_archives import REFERENCE, REJECTED, folder_deep

from grader.grade.archive import MAX_DEPTH, MAX_NAME_BYTES, Rejected, content_hash, stage
from grader.shared.limits import Limits


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_a_hostile_archive_or_folder_is_rejected_and_nothing_is_written_anywhere(tmp_path, name):
    make, words = REJECTED[name]
    (tmp_path / "in").mkdir()
    source = make(tmp_path / "in" / name)
    target = tmp_path / "deep" / "down" / "staged"
    with pytest.raises(Rejected) as rejected:
        stage(source, target, Limits())
    assert words in rejected.value.reason
    assert not target.exists()
    assert not list(tmp_path.rglob("evil.py")) and not Path("/tmp/evil.py").exists()


def test_a_zip_bomb_whose_headers_lie_is_stopped_before_its_size(tmp_path):
    make, _ = REJECTED["zip_bomb_lying_headers.zip"]
    source = make(tmp_path / "bomb.zip")
    with pytest.raises(Rejected):
        stage(source, tmp_path / "staged", Limits(submission_mb=1))
    assert not (tmp_path / "staged").exists()


def test_a_folder_larger_than_the_limit_is_rejected_while_it_is_copied(tmp_path):
    (tmp_path / "big").mkdir()
    (tmp_path / "big" / "linear_model.py").write_text(REFERENCE)
    (tmp_path / "big" / "weights.bin").write_bytes(b"\0" * (2 << 20))
    with pytest.raises(Rejected, match="more than the 1 MB allowed"):
        stage(tmp_path / "big", tmp_path / "staged", Limits(submission_mb=1))


def test_a_folder_is_copied_without_caches_or_version_control(tmp_path):
    source = tmp_path / "alice"
    (source / "__pycache__").mkdir(parents=True)
    (source / "__pycache__" / "linear_model.cpython-311.pyc").write_bytes(b"\0")
    (source / ".git").mkdir()
    (source / ".git" / "HEAD").write_text("ref")
    (source / "data").mkdir()
    (source / "data" / "notes.txt").write_text("n")
    (source / "linear_model.py").write_text(REFERENCE)
    staged = stage(source, tmp_path / "staged", Limits())
    assert sorted(str(p.relative_to(staged)) for p in staged.rglob("*")) == ["data", "data/notes.txt", "linear_model.py"]


def test_an_archive_of_one_folder_is_unpacked_flat(tmp_path):
    with zipfile.ZipFile(tmp_path / "bob.zip", "w") as archive:
        archive.writestr("bob-submission/linear_model.py", REFERENCE)
        archive.writestr("bob-submission/helpers/util.py", "X = 1")
        archive.writestr("__MACOSX/bob-submission/._linear_model.py", "junk")
    staged = stage(tmp_path / "bob.zip", tmp_path / "staged", Limits())
    assert (staged / "linear_model.py").read_text() == REFERENCE
    assert (staged / "helpers" / "util.py").read_text() == "X = 1"
    assert not (staged / "__MACOSX").exists()


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_an_archive_naming_a_file_twice_is_rejected(tmp_path):
    with zipfile.ZipFile(tmp_path / "twice.zip", "w") as archive:
        archive.writestr("linear_model.py", REFERENCE)
        archive.writestr("linear_model.py", "def forward(x, w): return 0")
    with pytest.raises(Rejected, match="twice"):
        stage(tmp_path / "twice.zip", tmp_path / "staged", Limits())


def test_a_submission_that_is_itself_a_link_is_rejected(tmp_path):
    (tmp_path / "mallory").symlink_to(ROOT / "solutions")
    with pytest.raises(Rejected, match="link"):
        stage(tmp_path / "mallory", tmp_path / "staged", Limits())


def test_the_content_hash_follows_the_content_not_the_folder_name(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "linear_model.py").write_text(REFERENCE)
    same = content_hash(tmp_path / "a", Limits()) == content_hash(tmp_path / "b", Limits())
    (tmp_path / "b" / "linear_model.py").write_text(REFERENCE + "\n# changed\n")
    assert same and content_hash(tmp_path / "a", Limits()) != content_hash(tmp_path / "b", Limits())


def test_the_content_hash_does_not_follow_links(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "secret").symlink_to("/etc/passwd")
    before = content_hash(tmp_path / "a", Limits())
    (tmp_path / "a" / "secret").unlink()
    (tmp_path / "a" / "secret").symlink_to("/etc/hostname")
    assert content_hash(tmp_path / "a", Limits()) != before


def test_an_archive_is_hashed_by_its_bytes(tmp_path):
    shutil.make_archive(str(tmp_path / "a"), "zip", ROOT / "solutions")
    first = content_hash(tmp_path / "a.zip", Limits())
    assert first == content_hash(tmp_path / "a.zip", Limits()) and len(first) == 64


def test_a_folder_too_deep_is_rejected_while_it_is_hashed_and_while_it_is_copied(tmp_path):
    source = folder_deep(tmp_path / "deep", depth=17)
    with pytest.raises(Rejected, match="17 folders deep; a submission may be at most 16 folders deep"):
        content_hash(source, Limits())
    with pytest.raises(Rejected, match="at most 16 folders deep"):
        stage(source, tmp_path / "staged", Limits())
    assert not (tmp_path / "staged").exists()


def test_a_submission_at_the_limits_is_taken_in(tmp_path):
    name = "n" * (MAX_NAME_BYTES - 3) + ".py"
    with zipfile.ZipFile(tmp_path / "edge.zip", "w") as archive:
        archive.writestr("linear_model.py", REFERENCE)
        archive.writestr("/".join(["d"] * MAX_DEPTH) + "/" + name, "X = 1")
    staged = stage(tmp_path / "edge.zip", tmp_path / "staged", Limits())
    assert (staged.joinpath(*["d"] * MAX_DEPTH) / name).read_text() == "X = 1"
    content_hash(folder_deep(tmp_path / "folder", depth=MAX_DEPTH), Limits())


def test_a_rejection_names_the_path_shortened_and_neutralised(tmp_path):
    with zipfile.ZipFile(tmp_path / "hostile.zip", "w") as archive:
        archive.writestr("linear_model.py", REFERENCE)
        archive.writestr("\x1b[2J\u202e" + "n" * 300, "X = 1")
    with pytest.raises(Rejected) as rejected:
        stage(tmp_path / "hostile.zip", tmp_path / "staged", Limits())
    reason = rejected.value.reason
    assert "'\\x1b[2J<U+202E>nnn" in reason and "..." in reason and "at most 128 bytes" in reason
    assert "\x1b" not in reason and "\u202e" not in reason and len(reason) < 250
