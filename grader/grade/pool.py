"""A pool of grading processes: each imports torch once, keeps its own zygote, grades one submission at a time.

The checks run through ``pytest.main``, which is not thread-safe, so submissions are graded
side by side in processes rather than threads. Each grading process is trusted code (it
runs :func:`~grader.check.run.run_checks`, never a student's module) and reports over a
socket, as JSON lines, each check as it ends and then the whole
:class:`~grader.results.RunResult`. The pool hands out submissions as processes free up,
notices a process that dies or overruns its submission's deadline, kills it (its zygote
and workers die with it), starts another, and tries that submission once more before
reporting it as failed. ``python -m grader.grade.pool FD`` is a grading process.
"""

from __future__ import annotations

import json
import logging
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.results import CheckResult, RunResult
from grader.shared.limits import Limits

if TYPE_CHECKING:
    from grader.check.launcher import Launcher, ZygoteLauncher

#: Seconds a grading process may take to import torch and start its zygote.
START_TIMEOUT_S = 300.0
#: Seconds the grading processes have, once told to stop, to stop their zygotes, which kill
#: and sweep away everything their workers left running; then they are killed.
CLOSE_TIMEOUT_S = 15.0
#: Environment variables a grading process keeps; the rest (tokens, keys) is dropped, so
#: that no worker, which inherits its zygote's environment, can read them.
_KEPT_ENVIRONMENT = ("PATH", "PYTHONPATH", "VIRTUAL_ENV", "LANG", "LC_ALL", "LC_CTYPE", "HOME", "LD_LIBRARY_PATH",
                     "CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER", "GRADER_WORKER_MODE")
_ATTEMPTS = 2
log = logging.getLogger("grader")


@dataclass
class Job:
    """One submission to grade: a staged folder and how to grade it."""

    key: str
    submission: Path
    exercises: list[str]
    include_hidden: bool
    seed: int
    limits: Limits
    deadline_s: float


@dataclass
class JobDone:
    """How a job ended: its result, or why there is none and the checks that did finish."""

    job: Job
    result: RunResult | None
    error: str = ""
    finished_checks: list[CheckResult] = field(default_factory=list)


class JobQueue:
    """The jobs a pool has still to hand out: each taken from ``jobs`` only when asked, a lost one retried."""

    def __init__(self, jobs: Iterable[Job]) -> None:
        self._pending = iter(jobs)
        self._retry: list[Job] = []
        self._attempts: dict[str, int] = {}
        self._exhausted = False

    def next(self) -> Job | None:
        """The job to start now (a retry first), or ``None`` when none is waiting."""
        job = self._retry.pop() if self._retry else None
        if job is None and not self._exhausted:
            job = next(self._pending, None)
            self._exhausted = job is None
        if job is not None:
            self._attempts[job.key] = self._attempts.get(job.key, 0) + 1
        return job

    def retry(self, job: Job) -> bool:
        """Queue ``job`` again if it has attempts left; whether it was."""
        if self._attempts.get(job.key, 0) >= _ATTEMPTS:
            return False
        self._retry.append(job)
        return True

    @property
    def done(self) -> bool:
        """Whether every job has been handed out and none waits for a retry."""
        return self._exhausted and not self._retry


class _Forked:
    """A grading process forked from this one, seen through the part of ``subprocess.Popen`` the pool uses."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(f"grading process {self.pid}", timeout or 0.0)
            time.sleep(0.01)
        return self.returncode


def single_threaded() -> bool:
    """Whether this process runs no Python thread but its main one (so that forking it is safe)."""
    return threading.active_count() == 1


class _GradingProcess:
    """The parent's handle on one grading process."""

    def __init__(self, index: int, log_dir: Path, tmp_dir: Path, zygote: ZygoteLauncher | None = None,
                 inherited: Iterable[socket.socket] = ()) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        log_path = log_dir / f"grading-process-{index}.log"
        if zygote is not None and single_threaded():
            self.process: subprocess.Popen[bytes] | _Forked = _fork(theirs, [ours, *inherited], zygote, log_path,
                                                                     tmp_dir)
        else:
            environment = {k: os.environ[k] for k in _KEPT_ENVIRONMENT if k in os.environ}
            # Third-party pytest plugins would change how checks run (reordering them, say), and
            # loading them costs about 0.5 s per submission here.
            environment.update(TMPDIR=str(tmp_dir), PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
            with open(log_path, "ab") as log_file:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "grader.grade.pool", str(theirs.fileno())],
                    pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file,
                    env=environment, start_new_session=True,
                )
        theirs.close()
        self.socket = ours
        self.started = time.monotonic()
        self.ready = False
        self.job: Job | None = None
        self.job_started = 0.0
        self.checks: list[CheckResult] = []
        self._buffer = b""

    def send(self, job: Job) -> None:
        self.job, self.job_started, self.checks = job, time.monotonic(), []
        message = {"key": job.key, "submission": str(job.submission), "exercises": job.exercises,
                   "include_hidden": job.include_hidden, "seed": job.seed, "limits": job.limits.to_dict()}
        self.socket.sendall(json.dumps(message).encode() + b"\n")

    def messages(self) -> list[dict[str, Any]] | None:
        """The complete messages that arrived, or ``None`` once the process has gone."""
        try:
            chunk = self.socket.recv(1 << 20)
        except OSError:
            chunk = b""
        if not chunk:
            return None
        self._buffer += chunk
        *lines, self._buffer = self._buffer.split(b"\n")
        return [json.loads(line) for line in lines if line.strip()]

    def overdue(self, now: float) -> bool:
        if self.job is not None:
            return now - self.job_started > self.job.deadline_s
        return not self.ready and now - self.started > START_TIMEOUT_S

    def stop(self) -> None:
        """Ask the process to end: it closes its zygote, which sweeps away what its workers left."""
        try:
            self.socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        self.socket.close()


class GradingPool:
    """``size`` grading processes, started once and reused for every submission of a batch.

    Each is a fresh interpreter with a scrubbed environment and a zygote of its own; or, given
    ``zygote`` (``grader check`` on a student's machine), a fork of this process, which has
    imported torch already, with a zygote forked from ``zygote``: one torch import for all.
    A process that is started again once this one runs threads is a fresh interpreter.
    """

    def __init__(self, size: int, log_dir: Path, tmp_dir: Path, zygote: ZygoteLauncher | None = None) -> None:
        self.size = max(1, size)
        self._zygote = zygote
        self._log_dir = Path(log_dir)
        #: The temporary folder of the grading processes, where their workers' folders are.
        self.tmp_dir = Path(tmp_dir)
        self._log_dir.mkdir(parents=True, exist_ok=True)
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        self._started = 0
        self._failed_starts = 0
        self._processes: list[_GradingProcess] = []
        for _ in range(self.size):
            self._processes.append(self._start())

    def _start(self) -> _GradingProcess:
        self._started += 1
        return _GradingProcess(self._started, self._log_dir, self.tmp_dir, self._zygote,
                               [p.socket for p in self._processes])

    @property
    def pids(self) -> list[int]:
        """The grading processes' ids (for tests that kill one)."""
        return [p.process.pid for p in self._processes]

    def grade(self, jobs: Iterable[Job], on_check: Callable[[Job, CheckResult], None] | None = None) -> Iterator[JobDone]:
        """Grade ``jobs``, taking each from the iterable only when a process is free; yield as they end."""
        queue = JobQueue(jobs)
        while True:
            for process in self._processes:
                if process.ready and process.job is None:
                    job = queue.next()
                    if job is not None:
                        try:
                            process.send(job)
                        except OSError:
                            pass  # the process is gone: select sees it end below, and the job is tried again
            if queue.done and all(p.job is None for p in self._processes):
                return
            readable, _, _ = select.select([p.socket for p in self._processes], [], [], 1.0)
            now = time.monotonic()
            for index, process in enumerate(list(self._processes)):
                problem, may_retry = "", True
                if process.socket in readable:
                    messages = process.messages()
                    if messages is None:
                        problem = f"the grading process ended ({_exit_text(process.process)})"
                    else:
                        for message in messages:
                            outcome = self._handle(process, message, on_check)
                            if outcome is not None:
                                yield outcome
                if not problem and process.overdue(now):
                    # A submission that overran once would overrun again: it is not retried.
                    problem, may_retry = ("the grading of this submission ran past its deadline", False) \
                        if process.job else ("the grading process did not start in time", True)
                if problem:
                    job, checks = process.job, process.checks
                    if not process.ready:
                        self._failed_starts += 1
                        if self._failed_starts > 2 * self.size:
                            raise RuntimeError(f"grading processes do not start ({problem}); "
                                               f"their logs are in {self._log_dir}")
                    process.kill()
                    self._processes[index] = self._start()
                    if job is not None and not (may_retry and queue.retry(job)):
                        yield JobDone(job, None, problem, checks)

    def _handle(self, process: _GradingProcess, message: dict[str, Any],
                on_check: Callable[[Job, CheckResult], None] | None) -> JobDone | None:
        if message.get("ready"):
            process.ready = True
            return None
        job = process.job
        if job is None:
            return None
        if "check" in message:
            check = CheckResult(**message["check"])
            process.checks.append(check)
            if on_check is not None:
                on_check(job, check)
            return None
        process.job = None
        if "result" in message:
            return JobDone(job, RunResult.from_dict(message["result"]))
        return JobDone(job, None, str(message.get("error", "the grading process failed")), process.checks)

    def close(self) -> None:
        """Stop every grading process, and with them their zygotes and every process of their workers.

        Each is asked first, so that its zygote kills and sweeps its workers' users; one that
        has not ended within :data:`CLOSE_TIMEOUT_S` is killed.
        """
        for process in self._processes:
            process.stop()
        deadline = time.monotonic() + CLOSE_TIMEOUT_S
        for process in self._processes:
            try:
                process.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            process.kill()
        self._processes = []


def _exit_text(process: subprocess.Popen[bytes]) -> str:
    try:
        code = process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        return "it stopped answering"
    return f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"


# ----------------------------------------------------------------------------- the grading process


def _fork(channel: socket.socket, foreign: list[socket.socket], zygote: ZygoteLauncher, log_path: Path,
          tmp_dir: Path) -> _Forked:
    """Fork a grading process serving ``channel``, its zygote forked from ``zygote``.

    The child closes what is the parent's (``foreign``: its end of this channel and of the other
    grading processes' channels; the first zygote's control socket), as a fresh interpreter
    would never have had them.
    """
    launcher = zygote.fork_zygote()
    pid = os.fork()
    if pid:
        launcher.forget()  # the child holds it: the forked zygote ends when the child closes it
        return _Forked(pid)
    code = 70
    try:
        os.setsid()
        from grader.shared.procs import set_parent_death_signal

        set_parent_death_signal()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        for other in foreign:
            other.close()
        zygote.forget()
        log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        os.close(log_fd)
        os.environ.update(TMPDIR=str(tmp_dir), PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
        tempfile.tempdir = str(tmp_dir)
        _serve(channel, launcher)
        code = 0
    except BaseException:  # noqa: BLE001 - the child must never return into the parent's code
        traceback.print_exc()
    finally:
        os._exit(code)


def _serve(channel: socket.socket, launcher: Launcher | None = None) -> None:
    from grader.check.launcher import start_launcher

    if launcher is None:
        launcher = start_launcher(wait=False)  # the zygote imports torch while this process does
    from grader.check.run import CheckRequest, freeze_heap, run_checks

    def send(message: dict[str, Any]) -> None:
        channel.sendall(json.dumps(message, allow_nan=False).encode() + b"\n")

    freeze_heap()
    send({"ready": True, "pid": os.getpid()})
    for line in channel.makefile("rb"):
        job = json.loads(line)
        request = CheckRequest(submission=Path(job["submission"]), exercises=job["exercises"],
                               include_hidden=job["include_hidden"], seed=job["seed"],
                               limits=Limits.from_dict(job["limits"]))
        try:
            result = run_checks(request, launcher=launcher, on_result=lambda check: send({"check": asdict(check)}))
            send({"result": result.to_dict()})
        except Exception as exc:
            log.exception("grading %s failed", job["key"])
            send({"error": f"the grader failed on this submission ({type(exc).__name__}: {exc})"})
            launcher.close()
            launcher = start_launcher()
        freeze_heap()
    launcher.close()


def main() -> None:
    from grader.shared.procs import set_parent_death_signal

    set_parent_death_signal()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _serve(socket.socket(fileno=int(sys.argv[1])))


if __name__ == "__main__":
    main()
