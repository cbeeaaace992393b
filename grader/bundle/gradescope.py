"""``grader gradescope``: the autograder package Gradescope runs, and the grading it does per submission.

Gradescope's contract (https://gradescope-autograders.readthedocs.io/en/latest/specs/): a zip
with ``setup.sh`` and ``run_autograder`` at its root. Gradescope unpacks it into
``/autograder/source`` and runs ``setup.sh`` once, as root, on its Ubuntu image; then, for
each submission, it runs ``run_autograder`` in ``/autograder`` with the student's files in
``/autograder/submission`` and reads ``/autograder/results/results.json``.

The package holds the whole grader, hidden checks and reference solutions included, laid out
as in the course's project (``grader/`` beside ``solutions/``), so that the sandbox's
forbidden paths cover them and no worker reads either. A submission is graded exactly as
``grader grade`` grades one: taken in by :mod:`grader.grade.archive`, graded by a grading
process of :mod:`grader.grade.pool` whose workers are sandboxed, recorded in a gradebook, and
exported as Gradescope's ``results.json`` by :func:`grader.grade.export.gradescope_results`.

Both scripts take their root from ``GRADER_AUTOGRADER_ROOT`` (default ``/autograder``), so the
package can be tried in any folder standing in for it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from grader import catalog
from grader.bundle.workflow import TORCH_INDEX, pinned
from grader.check.run import UsageError
from grader.references import GRADER_DIR, PROJECT_DIR, solutions_dir
from grader.shared.limits import Limits

ROOT_VARIABLE = "GRADER_AUTOGRADER_ROOT"
DEFAULT_ROOT = Path("/autograder")
#: What the package holds besides the grader and the references: how to grade, read by ``run_autograder``.
CONFIG_NAME = "gradescope.json"
#: Gradescope stops an autograder after 10 minutes unless the assignment allows more; grading
#: stops short of that so that results.json is always written by the grader.
DEFAULT_TIME_BUDGET_S = 540
#: The limits of each worker on Gradescope's container (half a CPU by default): one torch
#: thread, since a second one would only wait for the same half CPU; 512 MB of address space
#: beyond torch's own mappings, twice what every reference needs (all 147 checks passed with
#: 256 MB here) and small beside the grader itself (see MEMORY_NEEDED_MB).
LIMITS = Limits(threads=1, memory_mb=512)
#: Memory the container needs, measured here (torch 2.14.1, CUDA build) in a cgroup of half a
#: CPU, grading the references on every exercise: the trusted side, a grading process and a
#: zygote each import torch (about 290 MB of anonymous memory each), and each exercise keeps
#: two workers, so the tree's anonymous memory peaked at 976 MB for one exercise and 2055 MB for
#: all 18. With 768 MB (Gradescope's default) the grader was killed after 6 s; with 2 GB it
#: finished, but the kernel killed one of its processes and it took 85 s; with 3 GB it took
#: 47 s, its cgroup peaking at 2083 MB.
MEMORY_NEEDED_MB = 3072
#: The student whose submission is graded: Gradescope grades one submission per container.
STUDENT = "submission"

_NOT_PACKED = shutil.ignore_patterns("__pycache__", "*.pyc", ".*", "golden_data")
_EXECUTABLE = 0o100755 << 16
_FILE = 0o100644 << 16
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
#: Folder levels searched for the exercise modules (a repository holding ``exercises/``, an upload of a folder).
_SEARCH_DEPTH = 3
_SEARCH_FOLDERS = 200
log = logging.getLogger("grader")


@dataclass
class AutograderSummary:
    """What ``grader gradescope`` wrote."""

    out: Path
    exercises: list[str]
    files: int
    torch: str
    torchvision: str


@dataclass(frozen=True)
class AutograderConfig:
    """How ``run_autograder`` grades: read from the package's :data:`CONFIG_NAME`."""

    exercises: list[str]
    time_budget_s: int = DEFAULT_TIME_BUDGET_S

    @classmethod
    def read(cls, source: Path) -> AutograderConfig:
        data = json.loads((source / CONFIG_NAME).read_text(encoding="utf-8"))
        return cls(exercises=list(data["exercises"]), time_budget_s=int(data["time_budget_s"]))


def build_autograder(out: Path, exercises: list[str] | tuple[str, ...] = (),
                     time_budget_s: int = DEFAULT_TIME_BUDGET_S) -> AutograderSummary:
    """Write Gradescope's autograder zip to ``out``: ``setup.sh``, ``run_autograder``, the grader and the references.

    ``exercises`` (all of them when empty) are those graded; ``time_budget_s`` is how long the
    grading of one submission may take before it is stopped with what it has.
    """
    references = solutions_dir()
    if references is None:
        raise UsageError("The Gradescope package holds the reference solutions, and this grader has none: "
                         "run 'grader gradescope' in the course's full project.")
    try:
        chosen = [e.name for e in catalog.select(list(exercises))]
    except catalog.UnknownExercise as exc:
        raise UsageError(str(exc)) from None
    out = Path(out)
    if out.suffix.lower() != ".zip":
        raise UsageError(f"'{out}' does not end in .zip; Gradescope takes the autograder as a .zip file.")
    torch_version, torchvision_version = pinned("torch"), pinned("torchvision")
    config = {"exercises": chosen, "time_budget_s": time_budget_s}
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        _add(package, "setup.sh", setup_script(torch_version, torchvision_version), executable=True)
        _add(package, "run_autograder", RUN_AUTOGRADER, executable=True)
        _add(package, CONFIG_NAME, json.dumps(config, indent=2) + "\n")
        for name in ("pyproject.toml", "README.md"):
            _add(package, name, (PROJECT_DIR / name).read_text(encoding="utf-8"))
        for folder in (GRADER_DIR, references):
            for path in _files(folder):
                _add(package, path.relative_to(folder.parent).as_posix(), path.read_bytes())
        files = len(package.infolist())
    return AutograderSummary(out=out, exercises=chosen, files=files, torch=torch_version,
                             torchvision=torchvision_version)


def _files(folder: Path) -> list[Path]:
    """Every file under ``folder`` that the package holds, in a stable order."""
    kept: list[Path] = []
    for current, folders, names in os.walk(folder):
        ignored = _NOT_PACKED(current, folders + names)
        folders[:] = sorted(f for f in folders if f not in ignored)
        kept += [Path(current) / n for n in sorted(names) if n not in ignored]
    return kept


def _add(package: zipfile.ZipFile, name: str, content: str | bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.external_attr = _EXECUTABLE if executable else _FILE
    info.compress_type = zipfile.ZIP_DEFLATED
    package.writestr(info, content)


def setup_script(torch_version: str, torchvision_version: str) -> str:
    """``setup.sh``: Python, PyTorch's CPU build at the project's version, and the grader, in a virtual environment."""
    return f"""#!/usr/bin/env bash
# Run once by Gradescope, as root, when it builds the autograder's image (Ubuntu 22.04 or later).
set -euo pipefail
ROOT="${{{ROOT_VARIABLE}:-{DEFAULT_ROOT}}}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv python3-pip
python3 -m venv "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install --upgrade pip
"$ROOT/venv/bin/python" -m pip install "torch=={torch_version}" "torchvision=={torchvision_version}" \\
    --index-url {TORCH_INDEX}
"$ROOT/venv/bin/python" -m pip install -e "$ROOT/source"
"""


RUN_AUTOGRADER = f"""#!/usr/bin/env bash
# Run by Gradescope for each submission: grades $ROOT/submission into $ROOT/results/results.json.
set -u
ROOT="${{{ROOT_VARIABLE}:-{DEFAULT_ROOT}}}"
export {ROOT_VARIABLE}="$ROOT"
PYTHON="$ROOT/venv/bin/python"
[ -x "$PYTHON" ] || PYTHON="$(command -v python3)"
# The grader in the package is the one that grades, whatever else is installed.
export PYTHONPATH="$ROOT/source"
cd "$ROOT"
"$PYTHON" -m grader.bundle.gradescope
code=$?
if [ ! -s "$ROOT/results/results.json" ]; then
    mkdir -p "$ROOT/results"
    cat > "$ROOT/results/results.json" <<EOF
{{"score": 0.0, "tests": [], "output_format": "text", "stdout_visibility": "hidden",
 "output": "Not graded: the grader could not start (exit code $code). This is not your fault: tell your instructor."}}
EOF
fi
exit 0
"""


class _Stopped(BaseException):
    """The grading was told to stop (its time budget ran out, or Gradescope stopped it).

    A ``BaseException``, so that no ``except Exception`` on the way takes it for one
    submission's failure and goes on.
    """


def grade_submission(root: Path) -> dict[str, Any]:
    """Grade ``root``/submission as ``grader grade`` grades one student; write and return ``results.json``.

    Whatever happens, ``root``/results/results.json is a valid file with a named verdict: it
    is written before grading starts (for a grader killed on the way, out of memory say), and
    again when the time budget runs out or the grader fails.
    """
    from grader.grade.batch import BatchRequest, grade_batch
    from grader.grade.export import student_folder

    results_file = root / "results" / "results.json"
    config = AutograderConfig.read(root / "source")
    _write_results(results_file, not_graded(
        "Not graded: the grader was stopped before it finished, most likely because the autograder ran out of "
        f"memory (it needs about {MEMORY_NEEDED_MB // 1024} GB). This is not necessarily your fault: tell your "
        "instructor."))
    notes = [limits_note(config)] + container_notes()
    work = Path(tempfile.mkdtemp(prefix=".grading-", dir=root))
    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGALRM, signal.SIGTERM)}
    signal.alarm(config.time_budget_s)
    try:
        submissions = _take_in(root / "submission", work / "submissions", config.exercises)
        summary = grade_batch(BatchRequest(submissions=submissions, out=work / "grades", exercises=config.exercises,
                                           workers=1, limits=LIMITS, include_hidden=True))
        results = json.loads((summary.outputs["gradescope"] / student_folder(STUDENT) / "results.json")
                             .read_text(encoding="utf-8"))
        results["output"] = "\n\n".join([results.get("output", ""), *notes]).strip()
    except _Stopped as stopped:
        results = not_graded(f"Not graded: the grading was stopped ({stopped}) after {config.time_budget_s} s, the "
                             "time it may take. Code that runs far slower than it should (a loop that never ends, "
                             "say) is the likely cause; test it with 'grader check' first.\n\n" + "\n\n".join(notes))
    except Exception:
        log.exception("grading the submission failed")
        results = not_graded("Not graded: the grader failed on this submission. This is not your fault: tell your "
                             "instructor (the details are in the autograder's output).")
    finally:
        signal.alarm(0)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        shutil.rmtree(work, ignore_errors=True)
    _write_results(results_file, results)
    return results


def _stop(signum: int, frame: FrameType | None) -> None:
    raise _Stopped("time limit reached" if signum == signal.SIGALRM else signal.Signals(signum).name)


def not_graded(message: str) -> dict[str, Any]:
    """A ``results.json`` for a submission that could not be graded: no points, and why."""
    return {"score": 0.0, "output": message, "output_format": "text", "stdout_visibility": "hidden", "tests": []}


def limits_note(config: AutograderConfig) -> str:
    """The limits the submission was graded under, for the student."""
    return (f"Graded with the hidden checks, each exercise's code in a sandboxed worker of its own: "
            f"{LIMITS.threads} torch thread, {LIMITS.memory_mb} MB of memory beyond what torch takes, "
            f"{LIMITS.cpu_s} s of CPU time, each exercise's own time limit per call; the whole grading may take "
            f"{config.time_budget_s} s.")


def container_notes() -> list[str]:
    """A warning when the autograder's container has less memory than the grader needs (as its cgroup says)."""
    memory = container_memory_mb()
    if memory is None or memory >= MEMORY_NEEDED_MB:
        return []
    return [f"The autograder ran with {memory} MB of memory, less than the {MEMORY_NEEDED_MB} MB the grader needs: "
            "a verdict of 'out of memory' or 'crashed' may not be your fault. Instructors: raise the memory in the "
            "assignment's Autograder Settings."]


def container_memory_mb(cgroup: Path = Path("/sys/fs/cgroup")) -> int | None:
    """The memory limit of this container in MB (cgroup v2 or v1), or ``None`` where there is none."""
    for name in ("memory.max", "memory/memory.limit_in_bytes"):
        try:
            text = (cgroup / name).read_text().strip()
        except OSError:
            continue
        if text == "max" or not text.isdigit() or int(text) >= 1 << 50:
            return None
        return int(text) // (1024 * 1024)
    return None


def _take_in(submission: Path, submissions: Path, exercises: list[str]) -> Path:
    """``submissions``, a new folder of submissions as ``grader grade`` takes them, holding the student's one, copied.

    The student's one is the folder of ``submission`` that holds the exercise modules (the
    upload itself, or ``exercises/`` of a repository), else a lone ``.zip`` in it. Links are
    copied as links, so that taking the submission in refuses them, naming them.
    """
    from grader.grade.archive import IGNORED

    submissions.mkdir(parents=True)
    found = modules_folder(submission, exercises)
    if found is None:
        shutil.copyfile(_lone_archive(submission), submissions / f"{STUDENT}.zip", follow_symlinks=False)
    elif found.is_dir():
        shutil.copytree(found, submissions / STUDENT, symlinks=True, ignore=shutil.ignore_patterns(*IGNORED))
    else:  # nothing was submitted: every check says which module is missing
        (submissions / STUDENT).mkdir()
    return submissions


def modules_folder(submission: Path, exercises: list[str]) -> Path | None:
    """The shallowest folder of ``submission`` that holds a module of ``exercises``.

    ``submission`` itself where no folder does and it holds no lone ``.zip``; ``None`` where
    it holds one, to be unpacked as the submission. Links are never followed.
    """
    wanted = {f"{name}.py" for name in exercises}
    level, seen = [submission], 0
    for _ in range(_SEARCH_DEPTH + 1):
        below: list[Path] = []
        for folder in level:
            seen += 1
            if seen > _SEARCH_FOLDERS:
                return submission
            entries = _entries(folder)
            if any(e.name in wanted and e.is_file(follow_symlinks=False) for e in entries):
                return folder
            below += [Path(e.path) for e in entries if e.is_dir(follow_symlinks=False) and _searched(e.name)]
        level = below
    return None if _lone_archive(submission) else submission


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as entries:
            return sorted(entries, key=lambda e: e.name)
    except OSError:
        return []


def _searched(name: str) -> bool:
    from grader.grade.archive import IGNORED

    return not name.startswith(".") and name not in IGNORED


def _lone_archive(submission: Path) -> Path | None:
    archives = [Path(e.path) for e in _entries(submission)
                if e.name.lower().endswith(".zip") and e.is_file(follow_symlinks=False)]
    return archives[0] if len(archives) == 1 else None


def _write_results(path: Path, results: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(results, indent=2, allow_nan=False), encoding="utf-8")
    partial.replace(path)


def main() -> None:
    """``python -m grader.bundle.gradescope``: what ``run_autograder`` runs. Prints the score for the instructor."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    root = Path(os.environ.get(ROOT_VARIABLE) or DEFAULT_ROOT)
    results = grade_submission(root)
    tests = results.get("tests", [])
    print(f"Score {results['score']:g} of {sum(t.get('max_score', 0.0) for t in tests):g} over {len(tests)} checks; "
          f"results in {root / 'results' / 'results.json'}.")
    for note in container_notes():
        print(note)


if __name__ == "__main__":
    main()
