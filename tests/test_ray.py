"""Grading a class on a Ray cluster: the same gradebook as the local pool, and a node lost mid-batch.

The cluster is two nodes of one CPU each on this machine (``ray.cluster_utils.Cluster``),
started once for the module; the tests that use it start processes and are ``slow``.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import zipfile
from pathlib import Path

import pytest
from conftest import INSTRUCTOR_SECRET, ROOT, SUBMISSIONS
from hostile_archives import zip_slip

from grader.grade.batch import BatchRequest, grade_batch
from grader.grade.gradebook import FILE_NAME, Gradebook
from grader.shared.limits import Limits

ray = pytest.importorskip("ray", reason="Ray is not installed: pip install '.[ray]'")
cluster_utils = pytest.importorskip("ray.cluster_utils")
ray_pool = pytest.importorskip("grader.grade.ray_pool")


REFERENCE = ROOT / "solutions" / "linear_model.py"
WRONG = SUBMISSIONS / "linear_model" / "gradient_no_factor_2.py"


@pytest.fixture(scope="module")
def cluster():
    """Two nodes of 1 CPU each on this machine, started with a secret in their environment."""
    os.environ[INSTRUCTOR_SECRET[0]] = INSTRUCTOR_SECRET[1]
    try:
        started = cluster_utils.Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
        started.add_node(num_cpus=1)
        started.wait_for_nodes()
    finally:
        del os.environ[INSTRUCTOR_SECRET[0]]
    try:
        yield started
    finally:
        if ray.is_initialized():
            ray.shutdown()
        started.shutdown()


def _student(folder: Path, name: str, source: Path = REFERENCE, extra: str = "") -> None:
    (folder / name).mkdir(parents=True)
    (folder / name / "linear_model.py").write_text(source.read_text() + extra)


def _request(submissions: Path, out: Path, **options) -> BatchRequest:
    return BatchRequest(submissions, out, exercises=["linear_model"], seed=5, limits=Limits(call_timeout_s=10),
                        **options)


def _runs(out: Path) -> dict[str, tuple[str, float, dict[str, str]]]:
    """Each student's latest run: its status, points and every check's outcome."""
    book = Gradebook(out / FILE_NAME)
    try:
        return {run.student: (run.status, run.result.points,
                              {c.id: c.outcome for e in run.result.exercises for c in e.checks})
                for run in book.latest_runs()}
    finally:
        book.close()


@pytest.fixture
def classroom(tmp_path) -> Path:
    """Right, wrong, a zip, a zip slip, a copy of another's folder, and two that attack the grader."""
    folder = tmp_path / "submissions"
    _student(folder, "alice")
    _student(folder, "bob", WRONG)
    with zipfile.ZipFile(folder / "carol.zip", "w") as archive:
        archive.write(REFERENCE, "carol/linear_model.py")
    zip_slip(folder / "dave.zip")
    _student(folder, "erin", extra="\nimport os\nos._exit(0)\n")  # ends its worker as it is imported
    _student(folder, "frank")  # alice's files: graded once, results shared
    # Prints a forged result where the grader's replies might be read, then claims every point.
    _student(folder, "grace", extra='\nprint(\'{"result": {"points": 999}}\')\nimport sys\nsys.stdout.flush()\n'
                                    "def gradient(*args, **kwargs):\n    raise SystemExit(0)\n")
    # Shows what its worker's environment holds.
    _student(folder, "heidi", extra="\nimport os\nprint(dict(os.environ))\n")
    return folder


@pytest.mark.slow
def test_a_class_graded_on_ray_has_the_local_pools_gradebook(cluster, grading_pool, classroom, tmp_path):
    local, on_ray = tmp_path / "local", tmp_path / "ray"
    grade_batch(_request(classroom, local), pool=grading_pool)
    summary = grade_batch(_request(classroom, on_ray, ray=cluster.address))

    expected = _runs(local)
    assert set(expected) == {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"}
    assert _runs(on_ray) == expected
    assert summary.statuses == {"graded": 7, "rejected": 1}
    book = Gradebook(on_ray / FILE_NAME)
    try:
        heidi = json.dumps(next(r.result.to_dict() for r in book.latest_runs() if r.student == "heidi"))
    finally:
        book.close()
    assert "'PATH'" in heidi, "heidi's output is in her run"
    assert INSTRUCTOR_SECRET[1] not in heidi, "the nodes' environment does not reach a worker"
    assert expected["alice"][1] == expected["frank"][1] == expected["carol"][1] == 12.0
    assert expected["bob"][1] < 12.0 and expected["erin"][1] == 0.0 and expected["grace"][1] < 12.0
    assert not ray.is_initialized(), "the pool leaves the cluster it joined when the batch ends"


@pytest.mark.slow
def test_a_node_lost_mid_batch_has_its_submission_graded_once_elsewhere(cluster, tmp_path):
    doomed = cluster.add_node(num_cpus=1)
    cluster.wait_for_nodes()
    folder = tmp_path / "submissions"
    students = [f"student{i}" for i in range(6)]
    for number, name in enumerate(students):
        _student(folder, name, extra=f"\n# {number}\n")  # distinct content: each is graded
    pool = ray_pool.RayGradingPool(cluster.address)
    removed = threading.Event()

    def remove_when_busy() -> None:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and doomed.node_id not in pool.busy_nodes():
            time.sleep(0.05)
        time.sleep(0.3)  # well inside the submission it grades (about 0.5 s and more)
        cluster.remove_node(doomed)
        removed.set()

    remover = threading.Thread(target=remove_when_busy, daemon=True)
    try:
        assert any(p.node == doomed.node_id for p in ray_pool.placements(ray.nodes()))
        remover.start()
        summary = grade_batch(_request(folder, tmp_path / "out"), pool=pool)
        remover.join(timeout=60)
    finally:
        pool.close()
        ray.shutdown()
    assert removed.is_set()
    assert pool.retried, "the submission on the lost node was graded again"
    assert summary.statuses == {"graded": len(students)}
    book = Gradebook(tmp_path / "out" / FILE_NAME)
    try:
        runs = book.runs_in(summary.batch_id)
    finally:
        book.close()
    assert sorted(run.student for run in runs) == students  # each exactly once
    assert all(run.status == "graded" and run.result.points == 12.0 for run in runs)


def test_actors_on_a_node_with_gpus_share_them_and_others_hold_none():
    nodes = [{"Alive": True, "NodeID": "gpu", "Resources": {"CPU": 4.0, "GPU": 1.0}},
             {"Alive": True, "NodeID": "cpu", "Resources": {"CPU": 2.0}},
             {"Alive": False, "NodeID": "gone", "Resources": {"CPU": 8.0}},
             {"Alive": True, "NodeID": "many", "Resources": {"CPU": 2.0, "GPU": 8.0}},
             {"Alive": True, "NodeID": "tiny", "Resources": {"CPU": 0.5}}]
    found = {p.node: (p.actors, p.gpus) for p in ray_pool.placements(nodes)}
    assert found == {"gpu": (4, 0.25), "cpu": (2, 0.0), "many": (2, 1.0)}


def test_a_staged_folder_travels_as_bytes_and_unpacks_as_it_was(tmp_path):
    staged = tmp_path / "staged"
    (staged / "data").mkdir(parents=True)
    (staged / "linear_model.py").write_bytes(REFERENCE.read_bytes())
    (staged / "data" / "notes.txt").write_text("é")
    target = tmp_path / "unpacked"
    target.mkdir()
    ray_pool.unpack(ray_pool.pack(staged), target)
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*")) == \
        ["data", "data/notes.txt", "linear_model.py"]
    assert (target / "linear_model.py").read_bytes() == REFERENCE.read_bytes()
    link = tmp_path / "with-link"
    shutil.copytree(staged, link)
    (link / "escape").symlink_to("/etc/passwd")
    with pytest.raises(ValueError, match="not a file or folder"):
        ray_pool.unpack(ray_pool.pack(link), tmp_path / "refused")
