"""The worker's loop: answer probe requests on the channel until it closes."""

from __future__ import annotations

import io
import os
import secrets
import socket
import sys
from pathlib import Path
from typing import Any, NoReturn

import torch

from grader.shared import wire
from grader.shared.outcome import Outcome
from grader.worker import limits as limits_module
from grader.worker import sandbox
from grader.worker.context import (
    ProbeContext,
    StudentProblem,
    install_submission,
    student_location,
    student_traceback,
    text_of,
)
from grader.worker.probes import PROBES

_MEMORY_MARKERS = ("can't allocate memory", "DefaultCPUAllocator", "CUDA out of memory", "out of memory")


def child_main(channel_fd: int, output_fd: int, request: dict[str, Any]) -> NoReturn:
    """Become a worker: wire up the descriptors, apply the limits, serve. Never returns."""
    try:
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        channel_fd = _hide(channel_fd)
        _close_all_but([channel_fd])
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), write_through=True, errors="replace")
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), write_through=True, errors="replace")
        channel = socket.socket(fileno=channel_fd)
        serve(
            channel,
            Path(request["submission_dir"]),
            limits_module.Limits.from_dict(request["limits"]),
            request.get("device", "cpu"),
            request.get("exercise"),
        )
    except BaseException:  # nothing may unwind into the zygote's loop
        os._exit(70)
    os._exit(0)


def _hide(fd: int) -> int:
    """Move the channel to a random high descriptor, out of reach of blind writes to 3, 4, 5..."""
    target = 300 + secrets.randbelow(700)
    os.dup2(fd, target, inheritable=False)
    os.close(fd)
    return target


def _close_all_but(keep: list[int]) -> None:
    low = 3
    for fd in keep:
        if fd >= low:
            os.closerange(low, fd)
            low = fd + 1
    os.closerange(low, 65536)


def serve(channel: socket.socket, submission_dir: Path, limits: limits_module.Limits, device: str,
          exercise: str | None = None) -> None:
    """Enter the sandbox, apply ``limits``, then answer requests about ``exercise`` until the grader closes the channel."""
    cuda = device.startswith("cuda")
    box = sandbox.isolate(submission_dir, cuda=cuda, disk_mb=limits.disk_mb, shm_mb=limits.shm_mb)
    missing = box.missing + limits_module.apply(limits, cuda=cuda, own_user=box.own_user)
    torch.set_num_threads(max(1, limits.threads))
    os.chdir(submission_dir)
    install_submission(submission_dir)
    context = ProbeContext(submission_dir, device, exercise if isinstance(exercise, str) else None)
    wire.send_message(channel, {"status": "ready", "pid": os.getpid(), "missing_protections": missing})
    while True:
        try:
            header, buffers = wire.recv_message(channel)
        except EOFError:
            return
        reply, out_buffers = handle(context, header, buffers, limits.reply_mb)
        reply["nonce"] = header.get("nonce")
        sys.stdout.flush()
        sys.stderr.flush()
        wire.send_message(channel, reply, out_buffers)


def handle(context: ProbeContext, header: dict[str, Any], buffers: list[bytes],
           reply_mb: int | None = None) -> tuple[dict[str, Any], list[bytes]]:
    """Run the probe a request names and describe how it went; a reply may carry at most ``reply_mb`` MB."""
    probe = PROBES.get(str(header.get("probe")))
    if probe is None:
        return {"status": "bad_request", "message": f"no probe named {header.get('probe')!r}"}, []
    try:
        kwargs = _unwrap(wire.decode(header["args"], buffers))
        value = probe(context, **kwargs)
    except StudentProblem as problem:
        return {"status": problem.outcome, "complete": True, "message": problem.message,
                "traceback": problem.traceback_text}, []
    except BaseException as exc:  # the student's code may raise anything, SystemExit included
        return describe_exception(exc, context.submission_dir), []
    try:
        tree, out_buffers = wire.encode(value)
    except BaseException as exc:
        reply = describe_exception(exc, context.submission_dir)
        reply["message"] = f"the value returned could not be read: {reply['message']}"
        return reply, []
    size_mb = sum(len(b) for b in out_buffers) / 2**20
    if reply_mb is not None and size_mb > reply_mb:
        return {"status": Outcome.ERROR, "type": "ValueError", "message": f"the value returned holds {size_mb:.0f} MB of "
                f"data; at most {reply_mb} MB may come back from one call"}, []
    return {"status": "ok", "value": tree}, out_buffers


def describe_exception(exc: BaseException, submission_dir: Path) -> dict[str, Any]:
    """Classify an exception raised while probing into a reply the grader can judge."""
    where = student_location(exc, submission_dir)
    text = text_of(exc)
    reply: dict[str, Any] = {
        "type": type(exc).__name__,
        "message": text,
        "where": where,
        "traceback": student_traceback(exc, submission_dir),
    }
    if isinstance(exc, NotImplementedError) and _raised_in_student_code(exc, submission_dir):
        reply["status"] = Outcome.NOT_IMPLEMENTED
    elif isinstance(exc, SystemExit):
        reply["status"] = Outcome.EXITED
        reply["message"] = f"the code called sys.exit({exc.code!r})"
    elif isinstance(exc, MemoryError) or (
        isinstance(exc, RuntimeError) and any(m in text for m in _MEMORY_MARKERS)
    ):
        reply["status"] = Outcome.MEMORY
    else:
        reply["status"] = Outcome.ERROR
    return reply


def _raised_in_student_code(exc: BaseException, submission_dir: Path) -> bool:
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and Path(tb.tb_frame.f_code.co_filename).resolve().is_relative_to(submission_dir.resolve())


def _unwrap(value: Any) -> Any:
    """Replace the wire's :class:`RemoteTensor` by plain tensors for the probe."""
    if isinstance(value, wire.RemoteTensor):
        return value.data
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_unwrap(v) for v in value)
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    return value
