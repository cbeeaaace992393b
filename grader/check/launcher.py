"""Starting, calling and killing workers, from the grader's (trusted) side.

A worker is forked by the zygote (:class:`ZygoteLauncher`) or, where fork is unavailable, spawned
as a fresh interpreter (:class:`SpawnLauncher`). Either way the grader holds the worker's
channel and its output pipe, enforces the wall-clock limit of every call, and turns the
way a worker died into a verdict (:class:`WorkerDied`).

Importing this module does not import torch (the wire, which does, is imported on a worker's
first call), so that ``grader check`` can start the zygote before its own torch import and
the two imports run side by side.
"""

from __future__ import annotations

import json
import os
import secrets
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from grader.shared.limits import Limits
from grader.shared.outcome import Outcome
from grader.shared.procs import processes_of, worker_uid

ZYGOTE_START_TIMEOUT_S = 180.0
WORKER_START_TIMEOUT_S = 60.0
OUTPUT_LIMIT_BYTES = 256 * 1024
#: Workers' interpreters start outside the caller's working folder (the instructor's, holding the
#: class's submissions and gradebook) and without it on ``sys.path`` (``-P``, Python 3.11+).
_NO_WORKING_FOLDER = ("-P",) if sys.version_info >= (3, 11) else ()
_NEUTRAL_FOLDER = "/"


class WorkerDied(Exception):
    """The worker is gone; ``outcome`` is how (timeout, memory, crashed, exited, forbidden...)."""

    def __init__(self, outcome: Outcome, message: str) -> None:
        super().__init__(message)
        self.outcome = Outcome(outcome)
        self.message = message


class OutputTap:
    """A worker's stdout and stderr, drained while the grader waits for its replies.

    Only the first ``limit`` bytes are kept; the rest is counted and dropped, so a
    worker printing without end cannot fill the grader's memory.
    """

    def __init__(self, fd: int, limit: int = OUTPUT_LIMIT_BYTES) -> None:
        os.set_blocking(fd, False)
        self.fd = fd
        self._limit = limit
        self._kept = bytearray()
        self._total = 0

    def drain(self) -> None:
        """Read whatever the worker has written so far, without waiting."""
        while self.fd >= 0:
            try:
                chunk = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                return
            if not chunk:
                self.close()
                return
            room = self._limit - len(self._kept)
            if room > 0:
                self._kept += chunk[:room]
            self._total += len(chunk)

    def mark(self) -> int:
        """A position to read output from later (bytes seen so far)."""
        self.drain()
        return self._total

    def since(self, mark: int, limit: int = 8192) -> str:
        """What the worker printed since ``mark``, cut to ``limit`` bytes."""
        self.drain()
        shown = bytes(self._kept[mark : mark + limit])
        text = shown.decode("utf-8", errors="replace")
        if self._total - mark > len(shown):
            text += f"\n[... {self._total - mark} bytes of output in all; the rest is not shown]"
        return text

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


@dataclass
class Reply:
    """A worker's answer to one probe call."""

    #: ``ok``, ``bad_request``, or how the student's code failed (an :class:`Outcome` word, checked on reading).
    status: str
    value: Any = None
    message: str = ""
    type: str = ""
    where: str = ""
    traceback: str = ""
    #: The message is the whole sentence (a module missing or failing to import), not an exception's text.
    complete: bool = False


class Worker:
    """One worker process serving probe calls for one submission."""

    def __init__(self, pid: int, channel: socket.socket, tap: OutputTap, launcher: Launcher,
                 reply_mb: int | None = None) -> None:
        self.pid = pid
        self.channel = channel
        self.tap = tap
        self.launcher = launcher
        #: Most data one reply may carry, enforced here: the worker's own check runs beside student code.
        self.reply_mb = reply_mb
        self.dead: WorkerDied | None = None
        self.missing_protections: list[str] = []
        #: Where in its output the first check to use this worker starts reading: before the
        #: student's module was imported, so what it printed at import is shown once.
        self.output_start: int | None = None

    def handshake(self) -> None:
        header, _ = self._receive(time.monotonic() + WORKER_START_TIMEOUT_S)
        if header.get("status") != "ready":
            self._die(Outcome.CRASHED, "the worker did not start")
        missing = header.get("missing_protections")
        self.missing_protections = [str(m) for m in missing] if isinstance(missing, list) else []

    def call(self, probe: str, timeout_s: float, **args: Any) -> Reply:
        """Run ``probe`` with ``args``; raise :class:`WorkerDied` if the worker dies."""
        from grader.shared import wire

        if self.dead is not None:
            raise self.dead
        tree, buffers = wire.encode(args)
        deadline = time.monotonic() + timeout_s
        nonce = secrets.token_hex(16)
        try:
            wire.send_message(self.channel, {"probe": probe, "args": tree, "nonce": nonce}, buffers)
        except OSError:
            self._died_on_its_own()
        header, reply_buffers = self._receive(deadline)
        if header.get("nonce") != nonce:
            self.kill()
            self._die(Outcome.FORBIDDEN, "the grader's channel received data that its probe did not send: "
                      "the code wrote to a file descriptor it does not own")
        status = str(header.get("status", ""))
        try:
            value = wire.decode(header["value"], reply_buffers) if status == "ok" else None
        except (wire.WireError, KeyError, ValueError) as exc:
            self.kill()
            self._die(Outcome.CRASHED, f"the worker sent an unreadable reply ({exc})")
        return Reply(
            status=status,
            value=value,
            message=_text(header.get("message")),
            type=_text(header.get("type")),
            where=_text(header.get("where")),
            traceback=_text(header.get("traceback")),
            complete=header.get("complete") is True,
        )

    def _receive(self, deadline: float) -> tuple[dict[str, Any], list[bytes]]:
        from grader.shared import wire

        try:
            self._wait_for_reply(deadline)
            self.tap.drain()  # the worker flushed its output before replying
            self.channel.settimeout(max(0.001, deadline - time.monotonic()))
            return wire.recv_message(self.channel, None if self.reply_mb is None else self.reply_mb * 2**20)
        except wire.FrameTooLarge as exc:
            self.kill()
            self._die(Outcome.ERROR, f"the value returned holds {exc.payload_bytes / 2**20:.0f} MB of data; "
                      f"at most {self.reply_mb} MB may come back from one call")
        except TimeoutError:
            self.kill()
            self._die(Outcome.TIMEOUT, "the code ran past its time limit and was stopped")
        except (EOFError, ConnectionError, OSError):
            self._died_on_its_own()
        except wire.WireError as exc:
            self.kill()
            self._die(Outcome.CRASHED, f"the worker sent something unreadable ({exc})")
        raise AssertionError("unreachable")

    def _wait_for_reply(self, deadline: float) -> None:
        """Drain the worker's output until its reply starts to arrive or time runs out."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            watched = [self.channel] + ([self.tap.fd] if self.tap.fd >= 0 else [])
            ready, _, _ = select.select(watched, [], [], remaining)
            if self.channel in ready:
                return
            self.tap.drain()

    def _died_on_its_own(self) -> None:
        status = self.launcher.exit_status(self.pid)
        outcome, message = describe_exit(status)
        self.kill()
        self._die(outcome, message)

    def _die(self, outcome: Outcome, message: str) -> None:
        self.dead = WorkerDied(outcome, message)
        raise self.dead

    def kill(self) -> None:
        """Stop the worker and everything it started."""
        for kill in (os.killpg, os.kill):
            try:
                kill(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError, OSError):
                pass
        self.channel.close()
        self.tap.drain()
        self.tap.close()

    def close(self) -> None:
        """Stop the worker; its verdicts so far stand."""
        self.kill()
        if self.dead is None:
            self.dead = WorkerDied(Outcome.CRASHED, "the worker was closed")


#: How many times :func:`frozen` looks again for processes started while it stopped the others.
FREEZE_SWEEPS = 50


@contextmanager
def frozen(worker: Worker) -> Iterator[str]:
    """Stop every process of ``worker`` (SIGSTOP) for the block, and let them go on after (SIGCONT).

    So that nothing a student started competes for the CPU while the reference is timed.
    Yields what was frozen, or why nothing could be, for the measurement's details.
    """
    if worker.dead is not None:
        yield "not frozen: the student's worker is not running"
        return
    own_user = sys.platform.startswith("linux") and os.geteuid() == 0 and not any(
        m.startswith("a user of its own") for m in worker.missing_protections)
    stopped: set[int] = set()
    try:
        if own_user:
            for _ in range(FREEZE_SWEEPS):
                new = set(processes_of(worker_uid(worker.pid))) - stopped
                if not new:
                    break
                for pid in new:
                    _signal(os.kill, pid, signal.SIGSTOP)
                stopped |= new
            yield f"frozen: every process of the student's worker ({len(stopped)})"
        elif _signal(os.killpg, worker.pid, signal.SIGSTOP):
            stopped.add(-worker.pid)
            yield ("frozen: the student's worker and its process group (processes that left the group "
                   "with setsid were not: the worker has no user of its own)")
        else:
            yield "not frozen: the student's worker could not be stopped"
    finally:
        for pid in stopped:
            _signal(os.killpg if pid < 0 else os.kill, abs(pid), signal.SIGCONT)


def _signal(send: Any, target: int, sig: int) -> bool:
    try:
        send(target, sig)
    except (ProcessLookupError, PermissionError, OSError):
        return False
    return True


def describe_exit(status: int | None) -> tuple[Outcome, str]:
    """Turn a ``waitpid`` status into an outcome and a sentence for the student."""
    if status is None:
        return Outcome.CRASHED, "the worker stopped without saying how"
    if os.WIFEXITED(status):
        code = os.WEXITSTATUS(status)
        return Outcome.EXITED, f"the code ended the process (exit code {code}), e.g. with os._exit() or exit()"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        if sig == signal.SIGXCPU:
            return Outcome.TIMEOUT, "the code used up its CPU time and was stopped"
        if sig == signal.SIGXFSZ:
            return Outcome.CRASHED, "the code wrote a file larger than allowed"
        if sig == signal.SIGKILL:
            return Outcome.MEMORY, "the process was killed (SIGKILL), most likely for using too much memory"
        return Outcome.CRASHED, f"the process crashed with {name}"
    return Outcome.CRASHED, f"the process ended with status {status}"


class Launcher(Protocol):
    """Starts workers; knows how they ended."""

    mode: str

    def start_worker(self, submission_dir: Path, limits: Limits, device: str = "cpu",
                     exercise: str | None = None) -> Worker: ...

    def exit_status(self, pid: int) -> int | None: ...

    def close(self) -> None: ...


def _request(submission_dir: Path, limits: Limits, device: str, exercise: str | None) -> dict[str, Any]:
    # Absolute: a worker's interpreter does not start in the caller's working folder. The worker is
    # bound to its exercise here: the generic probes call into that exercise's module and no other.
    return {"op": "fork", "submission_dir": str(Path(submission_dir).absolute()), "limits": limits.to_dict(),
            "device": device, "exercise": exercise}


class ZygoteLauncher:
    """The zygote process and the workers forked from it."""

    mode = "fork"

    def __init__(self, wait: bool = True, control: socket.socket | None = None) -> None:
        """Start the zygote; with ``wait=False`` return at once and wait for it on first use.

        Not waiting lets the caller import torch while the zygote does, on another core. With
        ``control``, start nothing: that socket leads to a zygote forked from another
        (:meth:`fork_zygote`).
        """
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self.pid: int | None = None
        if control is not None:
            self._control = control
        else:
            self._control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            self._process = subprocess.Popen(
                [sys.executable, *_NO_WORKING_FOLDER, "-m", "grader.worker.zygote", str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                cwd=_NEUTRAL_FOLDER,
            )
            theirs.close()
        if wait:
            self.wait_until_ready()

    def fork_zygote(self) -> ZygoteLauncher:
        """A second zygote, forked from this one with torch imported and warm, and its own workers.

        It ends when the returned launcher is closed, or with this zygote.
        """
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            reply = self._ask({"op": "zygote"}, [theirs.fileno()])
        finally:
            theirs.close()
        if "zygote" not in reply:
            ours.close()
            raise RuntimeError(f"the worker zygote could not fork another: {reply.get('error', reply)}")
        return ZygoteLauncher(wait=True, control=ours)

    def forget(self) -> None:
        """Close this process's copy of the control socket, leaving the zygote to another process that holds it."""
        self._control.close()

    def wait_until_ready(self) -> None:
        """Block until the zygote has imported torch and says it is ready."""
        if self.pid is not None:
            return
        self._control.settimeout(ZYGOTE_START_TIMEOUT_S)
        try:
            ready = json.loads(self._control.recv(1 << 16) or b"{}")
        except (TimeoutError, ValueError, OSError):
            ready = {}
        if not ready.get("ready"):
            self.close()
            raise RuntimeError("the worker zygote did not start; run 'python -m grader.worker.zygote' to see why")
        self.pid = int(ready["pid"])

    def _ask(self, request: dict[str, Any], fds: list[int] = ()) -> dict[str, Any]:
        with self._lock:
            self.wait_until_ready()
            self._control.settimeout(WORKER_START_TIMEOUT_S)
            socket.send_fds(self._control, [json.dumps(request).encode()], list(fds))
            reply = self._control.recv(1 << 16)
        if not reply:
            raise RuntimeError("the worker zygote died")
        return json.loads(reply)

    def start_worker(self, submission_dir: Path, limits: Limits, device: str = "cpu",
                     exercise: str | None = None) -> Worker:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        out_read, out_write = os.pipe()
        try:
            pid = int(self._ask(_request(submission_dir, limits, device, exercise), [theirs.fileno(), out_write])["pid"])
        finally:
            theirs.close()
            os.close(out_write)
        worker = Worker(pid, ours, OutputTap(out_read), self, limits.reply_mb)
        worker.handshake()
        return worker

    def exit_status(self, pid: int) -> int | None:
        for _ in range(100):
            reply = self._ask({"op": "status", "pid": pid})
            if reply.get("status") is not None:
                return int(reply["status"])
            if not reply.get("running"):
                return None
            time.sleep(0.02)
        return None

    def close(self) -> None:
        self._control.close()
        if self._process is None:
            self._wait_until_gone()
            return
        if self.pid is None:
            # Still importing torch (Ctrl-C while it starts): it has no worker to stop and sweep.
            self._process.kill()
            self._process.wait()
            return
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def _wait_until_gone(self) -> None:
        # A forked zygote is its parent zygote's child, not ours: watched, not waited for.
        if self.pid is None:
            return
        deadline = time.monotonic() + 5
        while Path(f"/proc/{self.pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        if Path(f"/proc/{self.pid}").exists():
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


class SpawnLauncher:
    """Workers as fresh interpreters: for systems without fork."""

    mode = "spawn"

    def __init__(self) -> None:
        self._processes: dict[int, subprocess.Popen[bytes]] = {}

    def start_worker(self, submission_dir: Path, limits: Limits, device: str = "cpu",
                     exercise: str | None = None) -> Worker:
        ours, theirs = socket.socketpair()
        out_read, out_write = os.pipe()
        request = json.dumps(_request(submission_dir, limits, device, exercise))
        process = subprocess.Popen(
            [sys.executable, *_NO_WORKING_FOLDER, "-m", "grader.worker.spawned", str(theirs.fileno()), request],
            pass_fds=[theirs.fileno()], cwd=_NEUTRAL_FOLDER,
            stdin=subprocess.DEVNULL,
            stdout=out_write,
            stderr=out_write,
            start_new_session=True,
        )
        theirs.close()
        os.close(out_write)
        self._processes[process.pid] = process
        worker = Worker(process.pid, ours, OutputTap(out_read), self, limits.reply_mb)
        worker.handshake()
        return worker

    def exit_status(self, pid: int) -> int | None:
        process = self._processes.pop(pid, None)
        if process is None:
            return None
        try:
            code = process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return None
        return (-code) & 0x7F if code < 0 else (code & 0xFF) << 8

    def close(self) -> None:
        for process in self._processes.values():
            process.kill()
            process.wait()
        self._processes.clear()


def fork_available() -> bool:
    """Whether workers can be forked from a zygote on this system."""
    return sys.platform.startswith("linux") and hasattr(socket, "SOCK_SEQPACKET") and hasattr(socket, "send_fds")


def start_launcher(mode: str | None = None, wait: bool = True) -> ZygoteLauncher | SpawnLauncher:
    """The zygote where fork works (or ``mode="fork"``), else a spawner.

    ``wait=False`` returns while the zygote still imports torch (see :class:`ZygoteLauncher`).
    """
    mode = mode or os.environ.get("GRADER_WORKER_MODE") or ("fork" if fork_available() else "spawn")
    if mode == "fork":
        return ZygoteLauncher(wait=wait)
    if mode == "spawn":
        return SpawnLauncher()
    raise ValueError(f"unknown worker mode {mode!r}: use 'fork' or 'spawn'")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
