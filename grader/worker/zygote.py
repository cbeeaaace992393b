"""The zygote: a process that imports torch once and forks a worker per request.

It never runs a torch op on more than one thread (a process that has, and then forks,
gives children that hang at their first parallel op), and it never touches CUDA, so a
worker may. When a worker ends, the zygote kills whatever it left running under its user
and removes its private folder (:func:`~grader.worker.sandbox.sweep`). It talks to the grader over a ``SOCK_SEQPACKET`` control socket; each fork
request carries the worker's channel and output descriptors (``SCM_RIGHTS``).

A zygote can also fork a second zygote, warm as itself, on a control socket of its own
(``op: zygote``): ``grader check`` grades exercises in several processes, each with its own
zygote, for the cost of one torch import.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
from collections.abc import Callable
from typing import Any

from grader.shared.procs import set_parent_death_signal
from grader.worker.sandbox import sweep


def warm_up() -> None:
    """Import what every worker needs and run small single-threaded ops once."""
    import numpy  # noqa: F401
    import torch
    import torch.nn.functional as F

    from grader.worker import probes, sandbox, serve  # noqa: F401

    torch.set_num_threads(1)
    x = torch.ones(4, 3, 8, 8)
    F.max_pool2d(torch.tanh(F.conv2d(x, torch.ones(2, 3, 3, 3), padding=1)), 2).sum()
    (torch.ones(8, 8) @ torch.ones(8, 8)).sum()
    # The first optimizer a process creates imports torch._dynamo (seconds): pay it once here.
    torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1).step()
    probes.load_all()
    sandbox.readable_paths(cuda=False)


class Zygote:
    """The zygote's own state: its children and how they ended."""

    def __init__(self, control: socket.socket) -> None:
        self.control = control
        self.children: set[int] = set()
        self.ended: dict[int, int] = {}
        #: Zygotes forked from this one: not workers, so nothing of theirs is swept when they end.
        self.zygotes: set[int] = set()
        self.warmed_further = False

    def warm_further(self) -> None:
        """Import what only some submissions use (torchvision, a second of it), once the first worker is forked.

        The first worker is what a student who checks one exercise waits for; the workers forked
        after this find torchvision imported, as a submission that uses the notes'
        ``transforms`` expects. Still single-threaded, like everything the zygote runs.
        """
        self.warmed_further = True
        import torchvision  # noqa: F401

    def reap(self, *_: Any) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.children.discard(pid)
            if pid in self.zygotes:
                self.zygotes.discard(pid)
                continue
            self.ended[pid] = status
            sweep(pid)

    def loop(self) -> None:
        signal.signal(signal.SIGCHLD, self.reap)
        try:
            self.control.send(json.dumps({"ready": True, "pid": os.getpid()}).encode())
        except BrokenPipeError:  # the grader stopped (Ctrl-C) while this zygote started
            self.shutdown()
        while True:
            message, fds, _flags, _addr = socket.recv_fds(self.control, 1 << 16, 4)
            if not message:
                break
            request = json.loads(message)
            if request.get("op") == "fork" and len(fds) == 2:
                reply = {"pid": self.fork(fds, request)}
            elif request.get("op") == "zygote" and len(fds) == 1:
                reply = {"zygote": self.fork_zygote(fds[0])}
            elif request.get("op") == "status":
                pid = int(request["pid"])
                reply = {"status": self.ended.pop(pid, None), "running": pid in self.children}
            else:
                reply = {"error": "bad request"}
            for fd in fds:
                os.close(fd)
            self.control.send(json.dumps(reply).encode())
            if "pid" in reply and not self.warmed_further:
                self.warm_further()
        self.shutdown()

    def fork(self, fds: list[int], request: dict[str, Any]) -> int:
        """Fork a worker serving the channel and output descriptors ``fds``."""

        def serve() -> None:
            from grader.worker.serve import child_main

            child_main(fds[0], fds[1], request)

        return self._fork_child(serve)

    def fork_zygote(self, control_fd: int) -> int:
        """Fork a zygote serving ``control_fd``, with everything this one has imported."""
        if not self.warmed_further:
            self.warm_further()

        def serve() -> None:
            forked = Zygote(socket.socket(fileno=control_fd))
            forked.warmed_further = True
            forked.loop()

        pid = self._fork_child(serve)
        self.zygotes.add(pid)
        return pid

    def _fork_child(self, serve: Callable[[], None]) -> int:
        """Fork a child in a session of its own, dying with this zygote, that runs ``serve`` and never returns."""
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            try:
                os.setsid()
                set_parent_death_signal()
                self.control.close()
                serve()
            finally:
                os._exit(70)
        self.children.add(pid)
        return pid

    def shutdown(self) -> None:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for pid in list(self.children):
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        for pid in list(self.children):
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
            sweep(pid)
        # Nothing is left to clean up, and tearing down an interpreter holding torch takes most
        # of a second, which the grader would wait for.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def main() -> None:
    set_parent_death_signal()
    control = socket.socket(fileno=int(sys.argv[1]))
    warm_up()
    Zygote(control).loop()


if __name__ == "__main__":
    main()
