"""The worker's sandbox (grader/worker/sandbox.py, landlock.py): what student code can and cannot reach."""

from __future__ import annotations

import json
import os
import sys
import sysconfig
import time
from pathlib import Path

import pytest
from conftest import ROOT

from grader.shared.limits import Limits
from grader.worker import landlock, limits, sandbox

PROBED = '''
import os, socket, torch

def attempt(action):
    try:
        return "ok: " + repr(action())[:60]
    except BaseException as exc:
        return f"{type(exc).__name__}: {exc}"

def who():
    return {"uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(), "cwd": os.getcwd(),
            "environment": sorted(os.environ), "matmul": float((torch.ones(64, 64) @ torch.ones(64, 64)).sum()),
            "tmp": os.environ["TMPDIR"]}

def read(path):
    return attempt(lambda: open(path, "rb").read(10))

def listing(path):
    return attempt(lambda: os.listdir(path))

def write(path):
    return attempt(lambda: open(path, "w").write("x"))

def connect(host, port):
    return attempt(lambda: socket.create_connection((host, port), timeout=2))

def readable():
    from grader.worker import sandbox
    return [str(path) for path in sandbox.readable_paths(False)]

def namespaces():
    return {"pid": os.getpid(), "ipc": os.readlink("/proc/self/ns/ipc"), "shm": os.listdir("/dev/shm")}
'''


@pytest.fixture
def worker(launcher, tmp_path):
    (tmp_path / "linear_model.py").write_text(PROBED)
    started = launcher.start_worker(tmp_path, Limits(threads=2), exercise="linear_model")
    yield started
    started.close()


def call(worker, name: str, *args):
    reply = worker.call("common.call", 30, name=name, args=list(args))
    assert reply.status == "ok", reply.message
    return reply.value["result"]


needs_root = pytest.mark.skipif(not sys.platform.startswith("linux") or os.geteuid() != 0,
                                reason="workers get a user of their own only where the grader runs as root on Linux")


@needs_root
def test_a_worker_runs_as_a_user_of_its_own_and_torch_still_works(worker, tmp_path):
    seen = call(worker, "who")
    assert seen["uid"] == seen["gid"] == sandbox.worker_uid(worker.pid) and seen["groups"] == []
    assert seen["cwd"] == str(tmp_path) and seen["matmul"] == 64.0**3
    assert worker.missing_protections == []


def test_a_worker_keeps_none_of_the_graders_environment(worker):
    environment = set(call(worker, "who")["environment"])
    assert environment <= {"PATH", "LANG", "LC_ALL", "LC_CTYPE", "CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER",
                           "HOME", "TMPDIR"}


def test_a_worker_cannot_read_the_solutions_the_checks_or_the_grader(worker):
    for path in (ROOT / "solutions" / "linear_model.py", ROOT / "grader" / "checks" / "test_linear_model.py",
                 ROOT / "grader" / "engine.py", Path("/etc/passwd")):
        assert not call(worker, "read", str(path)).startswith("ok"), path
    assert not call(worker, "listing", str(ROOT / "grader" / "checks")).startswith("ok")
    assert not call(worker, "listing", str(ROOT)).startswith("ok")


def test_a_worker_writes_only_in_its_own_folders(worker, tmp_path):
    temporary = call(worker, "who")["tmp"]
    assert call(worker, "write", "made_by_student.txt").startswith("ok")
    assert call(worker, "write", f"{temporary}/scratch.txt").startswith("ok")
    for outside in (tmp_path.parent / "outside.txt", Path("/tmp/grader-sandbox-test.txt"), ROOT / "pwned.txt"):
        assert not call(worker, "write", str(outside)).startswith("ok")
        assert not outside.exists()


@needs_root
def test_what_a_worker_writes_in_its_folder_stays_in_its_private_copy(worker, tmp_path):
    assert call(worker, "write", "made_by_student.txt").startswith("ok")
    assert not (tmp_path / "made_by_student.txt").exists()


@needs_root
def test_a_worker_has_no_network(worker):
    for host, port in (("127.0.0.1", 22), ("1.1.1.1", 53)):
        assert not call(worker, "connect", host, port).startswith("ok")


@needs_root
def test_a_workers_private_folder_is_removed_when_it_ends(launcher, tmp_path):
    (tmp_path / "linear_model.py").write_text(PROBED)
    started = launcher.start_worker(tmp_path, Limits(), exercise="linear_model")
    folder = Path(call(started, "who")["tmp"]).parent
    assert folder.is_dir()
    started.close()
    deadline = time.monotonic() + 10
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not folder.exists()


@needs_root
def test_a_worker_has_its_own_process_and_ipc_namespaces_and_an_empty_dev_shm(worker):
    seen = call(worker, "namespaces")
    assert seen["pid"] == 1 and seen["shm"] == []
    assert seen["ipc"] != os.readlink("/proc/self/ns/ipc")


def test_a_worker_imports_only_from_the_interpreters_folders(tmp_path):
    site_packages = sysconfig.get_paths()["purelib"]
    hook = "__editable__.example.finder.__path_hook__"
    assert sandbox.importable(["", str(tmp_path), str(ROOT), site_packages, hook]) == [site_packages, hook]


def test_a_worker_reads_of_the_grader_only_its_own_code_and_never_the_working_folder(worker):
    readable = [Path(p) for p in call(worker, "readable")]  # as its zygote computed them
    assert Path.cwd() not in readable and ROOT not in readable
    grader = [p for p in readable if p.is_relative_to(ROOT)]
    allowed = (ROOT / "grader" / "worker", ROOT / "grader" / "shared", ROOT / "grader" / "__init__.py", ROOT / ".venv")
    assert grader and all(any(p.is_relative_to(a) for a in allowed) for p in grader), grader


def _in_a_child(test) -> object:
    """Run ``test()`` in a forked child, which may lock itself in; return what it returns (JSON)."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(reader)
            os.write(writer, json.dumps(test()).encode())
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as pipe:
        answer = json.loads(pipe.read())
    os.waitpid(pid, 0)
    sandbox.sweep(pid)
    return answer


def _attempt(action) -> str:
    try:
        action()
        return "ok"
    except OSError as exc:
        return type(exc).__name__


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Landlock is a Linux feature")
def test_without_root_landlock_alone_keeps_the_solutions_out_of_reach(tmp_path):
    (tmp_path / "linear_model.py").write_text(PROBED)

    def as_a_plain_user():
        os.geteuid = lambda: 1000
        box = sandbox.isolate(tmp_path)
        return {"missing": box.missing,
                "own module": _attempt(lambda: (tmp_path / "linear_model.py").read_text()),
                "own folder": _attempt(lambda: (tmp_path / "out.txt").write_text("x")),
                "solutions": _attempt(lambda: (ROOT / "solutions" / "linear_model.py").read_text()),
                "checks": _attempt(lambda: os.listdir(ROOT / "grader" / "checks")),
                "outside": _attempt(lambda: (tmp_path.parent / "outside.txt").write_text("x"))}

    seen = _in_a_child(as_a_plain_user)
    assert not any(m.startswith("file access rules") for m in seen["missing"])
    assert (seen["own module"], seen["own folder"]) == ("ok", "ok")
    assert seen["solutions"] == seen["checks"] == seen["outside"] == "PermissionError"


@pytest.mark.slow
def test_each_protection_the_system_lacks_is_named(tmp_path):
    """Where there is no root and no Landlock (macOS, an old kernel), the worker says what is not in force."""

    def on_such_a_system():
        os.geteuid = lambda: 1000

        def no_landlock(*args, **kwargs):
            raise landlock.LandlockUnavailable(38, "Landlock is not available (Function not implemented)")

        landlock.restrict = no_landlock
        box = sandbox.isolate(tmp_path)
        return box.missing + limits.apply(Limits(cpu_s=None, memory_mb=None), own_user=box.own_user)

    missing = _in_a_child(on_such_a_system)
    assert any(m.startswith("a user of its own per worker") for m in missing)
    assert any(m.startswith("network namespace") for m in missing)
    assert "file access rules (Landlock is not available (Function not implemented))" in missing
    assert any(m.startswith("process count") for m in missing)
    for protection in ("IPC namespace", "a size limit on its folder", "a private /dev/shm",
                       "a process namespace of its own"):
        assert f"{protection} (the grader is not running as root)" in missing
