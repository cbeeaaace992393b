"""Grading a class on a Ray cluster: long-lived grading actors, one per CPU a node offers.

:class:`RayGradingPool` has the interface of :class:`~grader.grade.pool.GradingPool`:
:meth:`~RayGradingPool.grade` takes jobs as actors free up and yields a
:class:`~grader.grade.pool.JobDone` for each, so the driver (:mod:`grader.grade.batch`)
stages the submissions, writes the gradebook and the exports exactly as it does locally.

Each actor is a grading process as the local pool's are: trusted code that imports torch
once, keeps its own zygote (:func:`~grader.check.launcher.start_launcher`) for every
submission it grades and runs :func:`~grader.check.run.run_checks`, never a student's
module. A submission travels as data, a tar of its staged folder, which the actor unpacks
into a private temporary folder; no filesystem is assumed to be shared. The result comes
back as JSON text, parsed by :meth:`~grader.results.RunResult.from_dict`.

An actor on a node with GPUs holds a share of them, so the checks that need CUDA run there;
elsewhere they skip, saying why. An actor (or its node) lost mid-batch has its submission
graded once more on another actor; one that overruns its deadline is killed and its
submission reported as not graded, as the local pool does. Ray is an optional extra:
``pip install '.[ray]'``.
"""

from __future__ import annotations

import io
import json
import logging
import math
import os
import shutil
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ray
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from grader.check.run import UsageError, freeze_heap
from grader.grade.pool import _KEPT_ENVIRONMENT, START_TIMEOUT_S, Job, JobDone, JobQueue
from grader.results import CheckResult, RunResult
from grader.shared.limits import Limits

log = logging.getLogger("grader")

#: Seconds between looks at the cluster's nodes, to place actors on nodes that joined.
_REFRESH_S = 10.0
#: Seconds an actor has to stop its zygote when the pool closes.
_CLOSE_TIMEOUT_S = 15.0
#: Errors that mean the actor, its worker process or its node is gone (not the submission's doing).
_LOST = (ray.exceptions.RayActorError, ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError,
         ray.exceptions.ObjectLostError, ray.exceptions.OwnerDiedError, ray.exceptions.LocalRayletDiedError)


def connect(address: str = "local") -> bool:
    """Connect this process to Ray: ``"local"`` starts a cluster on this machine; else ``"auto"`` or an address.

    Returns whether this call connected (and the pool should disconnect when it closes).
    """
    if ray.is_initialized():
        return False
    options: dict[str, Any] = {"log_to_driver": False, "configure_logging": False}
    if address == "local":
        options["include_dashboard"] = False
    try:
        ray.init(address=address, **options)
    except ConnectionError as exc:
        raise UsageError(f"Could not reach the Ray cluster at '{address}' ({exc}). Start it with 'ray start --head' "
                         "and pass the address it prints, or '--ray auto' on one of its nodes.") from None
    return True


def pack(folder: Path) -> bytes:
    """The staged folder ``folder`` as the bytes of an uncompressed tar, its files at the top."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for entry in sorted(Path(folder).rglob("*")):
            archive.add(entry, arcname=entry.relative_to(folder).as_posix(), recursive=False)
    return buffer.getvalue()


def unpack(data: bytes, target: Path) -> None:
    """Unpack what :func:`pack` made into ``target``, refusing links, devices and names that leave it."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
        for member in archive.getmembers():
            if not (member.isfile() or member.isdir()):
                raise ValueError(f"the submission's archive holds {member.name!r}, not a file or folder")
        archive.extractall(target, filter="data")


class GradingActor:
    """A grading process on a node of the cluster: one zygote, reused for every submission it grades."""

    def __init__(self) -> None:
        from grader.check.launcher import start_launcher

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        self._folder = Path(tempfile.mkdtemp(prefix="grader-ray-"))
        tmp = self._folder / "tmp"
        tmp.mkdir()
        # The zygote and its workers inherit this process's environment: what Ray or the node's
        # shell put there (addresses, tokens, keys) is dropped, as the local pool drops it.
        kept = {k: os.environ[k] for k in _KEPT_ENVIRONMENT if k in os.environ}
        os.environ.clear()
        os.environ.update(kept, TMPDIR=str(tmp), PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
        tempfile.tempdir = None
        self._start_launcher = start_launcher
        self._launcher = start_launcher()
        self._graded = 0
        freeze_heap()

    def ready(self) -> dict[str, Any]:
        """Where this actor runs, once its zygote is ready."""
        import torch

        return {"node": ray.get_runtime_context().get_node_id(), "pid": os.getpid(),
                "cuda": torch.cuda.is_available()}

    def grade(self, key: str, files: bytes, exercises: list[str], include_hidden: bool, seed: int,
              limits: dict[str, Any]) -> str:
        """Grade the submission whose staged folder ``files`` holds; the result (or why none) as JSON text."""
        from grader.check.run import CheckRequest, run_checks

        self._graded += 1
        folder = self._folder / f"submission-{self._graded}"
        folder.mkdir(mode=0o700)
        try:
            unpack(files, folder)
            request = CheckRequest(submission=folder, exercises=exercises, include_hidden=include_hidden, seed=seed,
                                   limits=Limits.from_dict(limits))
            result = run_checks(request, launcher=self._launcher)
            return json.dumps({"result": result.to_dict()}, allow_nan=False)
        except Exception as exc:
            log.exception("grading %s failed", key)
            self._launcher.close()
            self._launcher = self._start_launcher()
            return json.dumps({"error": f"the grader failed on this submission ({type(exc).__name__}: {exc})"})
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            freeze_heap()

    def close(self) -> None:
        """Stop the zygote, which kills and sweeps away what its workers left, and remove the temporary folder."""
        self._launcher.close()
        shutil.rmtree(self._folder, ignore_errors=True)


@dataclass
class _Slot:
    """The driver's handle on one actor."""

    actor: Any
    node: str
    ready_ref: Any
    started: float
    ready: bool = False
    job: Job | None = None
    job_ref: Any = None
    job_started: float = 0.0


@dataclass
class _Placement:
    """How many actors a node gets and the share of its GPUs each holds."""

    node: str
    actors: int
    gpus: float = field(default=0.0)


def placements(nodes: list[dict[str, Any]]) -> list[_Placement]:
    """One actor per whole CPU of each live node; on a node with GPUs each holds an equal share of them."""
    found = []
    for node in nodes:
        resources = node.get("Resources", {})
        cpus = int(resources.get("CPU", 0))
        if not node.get("Alive") or cpus < 1:
            continue
        gpus = float(resources.get("GPU", 0))
        share = min(1.0, math.floor(gpus / cpus * 10_000) / 10_000) if gpus else 0.0
        found.append(_Placement(node["NodeID"], cpus, share))
    return found


class RayGradingPool:
    """Grading actors on every node of a Ray cluster, started once and reused for every submission of a batch.

    ``address`` is ``"local"`` (a cluster started on this machine for the batch), ``"auto"`` (the
    cluster this machine belongs to) or a head node's address.
    """

    def __init__(self, address: str = "local") -> None:
        self._own_connection = connect(address)
        self._remote = ray.remote(max_restarts=0, max_task_retries=0, max_concurrency=1)(GradingActor)
        self._slots: list[_Slot] = []
        self._failed_starts = 0
        self._placed_at = 0.0
        #: Keys of the jobs tried once more because their actor or node was lost (for tests and logs).
        self.retried: list[str] = []
        self._place()
        if not self._slots:
            self.close()
            raise RuntimeError("no node of the Ray cluster offers a CPU to grade on")

    @property
    def size(self) -> int:
        return len(self._slots)

    def busy_nodes(self) -> set[str]:
        """The nodes with a submission being graded now."""
        return {slot.node for slot in list(self._slots) if slot.job is not None}

    def _place(self) -> None:
        """Start the actors the live nodes have room for and do not have yet."""
        self._placed_at = time.monotonic()
        have: dict[str, int] = {}
        for slot in self._slots:
            have[slot.node] = have.get(slot.node, 0) + 1
        for placement in placements(ray.nodes()):
            for _ in range(placement.actors - have.get(placement.node, 0)):
                actor = self._remote.options(
                    num_cpus=1, num_gpus=placement.gpus,
                    scheduling_strategy=NodeAffinitySchedulingStrategy(placement.node, soft=False),
                ).remote()
                self._slots.append(_Slot(actor, placement.node, actor.ready.remote(), time.monotonic()))

    def _drop(self, slot: _Slot) -> None:
        self._slots.remove(slot)
        try:
            ray.kill(slot.actor, no_restart=True)
        except Exception:  # already gone with its node
            pass

    def grade(self, jobs: Iterable[Job], on_check: Callable[[Job, CheckResult], None] | None = None) -> Iterator[JobDone]:
        """Grade ``jobs``, taking each from the iterable only when an actor is free; yield as they end.

        ``on_check`` is told of each check when its submission's result arrives (actors send
        whole results, not each check as it ends).
        """
        queue = JobQueue(jobs)
        while True:
            for slot in self._slots:
                if slot.ready and slot.job is None:
                    job = queue.next()
                    if job is not None:
                        self._send(slot, job)
            if queue.done and all(s.job is None for s in self._slots):
                return
            waiting = {s.job_ref if s.job is not None else s.ready_ref: s for s in self._slots
                       if s.job is not None or not s.ready}
            done, _ = ray.wait(list(waiting), num_returns=1, timeout=1.0) if waiting else ([], [])
            if not waiting:
                time.sleep(1.0)
            lost: list[tuple[_Slot, str]] = []
            for ref in done:
                slot = waiting[ref]
                if slot.job is None:
                    try:
                        ray.get(ref)
                        slot.ready = True
                    except Exception as exc:
                        lost.append((slot, f"the grading actor did not start ({type(exc).__name__})"))
                    continue
                job, slot.job, slot.job_ref = slot.job, None, None
                try:
                    reply = json.loads(ray.get(ref))
                except _LOST as exc:
                    slot.job = job  # handled with the lost actors below
                    lost.append((slot, f"the grading actor or its node was lost ({type(exc).__name__})"))
                    continue
                except Exception as exc:
                    yield JobDone(job, None, f"the grading actor failed ({type(exc).__name__}: {exc})")
                    continue
                if "result" in reply:
                    result = RunResult.from_dict(reply["result"])
                    if on_check is not None:
                        for exercise in result.exercises:
                            for check in exercise.checks:
                                on_check(job, check)
                    yield JobDone(job, result)
                else:
                    yield JobDone(job, None, str(reply.get("error", "the grading actor failed")))
            now = time.monotonic()
            for slot in self._slots:
                if slot.job is not None and now - slot.job_started > slot.job.deadline_s:
                    job, slot.job = slot.job, None
                    self._drop(slot)
                    # A submission that overran once would overrun again: it is not retried.
                    yield JobDone(job, None, "the grading of this submission ran past its deadline")
                elif not slot.ready and now - slot.started > START_TIMEOUT_S:
                    lost.append((slot, "the grading actor did not start in time"))
            for slot, problem in lost:
                if slot not in self._slots:
                    continue
                log.warning("%s on node %s", problem, slot.node)
                if not slot.ready:
                    self._failed_starts += 1
                job = slot.job
                self._drop(slot)
                if job is not None:
                    if queue.retry(job):
                        self.retried.append(job.key)
                    else:
                        yield JobDone(job, None, problem)
            if lost or now - self._placed_at > _REFRESH_S:
                self._place()
            if self._failed_starts > 2 * max(1, len(self._slots)) and not any(s.ready for s in self._slots):
                raise RuntimeError("grading actors do not start on the Ray cluster; their logs are in the "
                                   "cluster's session folder (/tmp/ray/session_latest/logs on each node)")
            if not self._slots and not queue.done:
                raise RuntimeError("no node of the Ray cluster is left to grade on")

    def _send(self, slot: _Slot, job: Job) -> None:
        slot.job, slot.job_started = job, time.monotonic()
        slot.job_ref = slot.actor.grade.remote(job.key, pack(job.submission), job.exercises, job.include_hidden,
                                               job.seed, job.limits.to_dict())

    def close(self) -> None:
        """Stop every actor (each stops its zygote first), and leave the cluster if this pool joined it."""
        stopping = [slot.actor.close.remote() for slot in self._slots if slot.ready]
        if stopping:
            ray.wait(stopping, num_returns=len(stopping), timeout=_CLOSE_TIMEOUT_S)
        for slot in list(self._slots):
            self._drop(slot)
        if self._own_connection:
            ray.shutdown()
