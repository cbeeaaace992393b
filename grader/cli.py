"""The ``grader`` command: parses arguments, calls the library, prints. Nothing more.

Exit codes (stable): 0 every check passed; 1 a check did not pass; 2 a usage error
(unknown exercise, missing folder); 3 an internal error of the grader.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from grader.check.launcher import Launcher, start_launcher
from grader.render.formats import FORMATS
from grader.results import CheckResult, RunResult
from grader.shared.limits import Limits
from grader.shared.outcome import Outcome

if TYPE_CHECKING:  # it imports torch, which 'grader check' imports only once its zygote has started
    from grader.check.parallel import ParallelChecker
    from grader.check.run import CheckRequest

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _log_file() -> Path:
    return Path(tempfile.gettempdir()) / "grader.log"


def _setup_logging() -> None:
    handler = logging.FileHandler(_log_file(), encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("grader")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


@contextmanager
def exit_codes_for_errors(console: Console) -> Iterator[None]:
    """Turn a usage error into exit code 2 and anything unexpected into exit code 3, logged."""
    from grader.check.run import UsageError

    try:
        yield
    except UsageError as exc:
        console.print(f"Error: {exc}", style="red", markup=False, highlight=False)
        sys.exit(EXIT_USAGE)
    except Exception:
        logging.getLogger("grader").exception("internal error")
        console.print(f"The grader failed; this is not your fault. Details are in {_log_file()}.",
                      style="red", markup=False, highlight=False)
        sys.exit(EXIT_INTERNAL)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Grade the exercises of the PyTorch course."""
    _setup_logging()


@main.command("check")
@click.argument("exercises", nargs=-1)
@click.option("--submission", type=click.Path(path_type=Path), default=Path("exercises"), show_default=True,
              help="Folder holding the exercise modules to grade.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("reports"), show_default=True,
              help="Folder for report.html and results.json.")
@click.option("--junit-xml", type=click.Path(path_type=Path), default=None, help="Also write JUnit XML here.")
@click.option("--hidden/--public-only", "include_hidden", default=False,
              help="Also run the hidden checks (instructors).")
@click.option("--seed", type=int, default=None, help="Seed of the hidden checks' inputs (default: random).")
@click.option("--timeout", type=float, default=None, help="Seconds one call of your code may take.")
@click.option("--threads", type=int, default=1, show_default=True, help="Torch threads in each worker.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Exercises graded at once, each set in a grading process of its own; 1 grades them all in this "
                   "process  [default: the number of CPU cores]")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default=None,
              help="What to print: terminal (a table), github (a table, annotations and the job's step summary; "
                   "the default on GitHub Actions), classroom (github's annotations and summary, one line, and the "
                   "points for GitHub Classroom's reporter in $GITHUB_OUTPUT), or one json, junit or markdown "
                   "document on stdout.")
def check_command(exercises: tuple[str, ...], submission: Path, out: Path, junit_xml: Path | None,
                  include_hidden: bool, seed: int | None, timeout: float | None, threads: int, jobs: int | None,
                  output_format: str | None) -> None:
    """Grade EXERCISES (all of them if none is named) of a submission folder."""
    launcher = start_grading(jobs, exercises, submission)
    try:
        _check(exercises, submission, out, junit_xml, include_hidden, seed, timeout, threads, output_format, launcher)
    finally:
        if launcher is not None:
            launcher.close()


def start_grading(jobs: int | None, exercises: tuple[str, ...], submission: Path) -> Launcher | ParallelChecker:
    """A zygote for grading in this process, or, for several exercises and cores, a :class:`ParallelChecker`.

    Either is started before this process imports torch, so that the imports run side by side,
    and before the spinner's thread, so that the grading processes can be forked from here. A
    request that will be refused (an unknown exercise, no such folder) gets the zygote alone.
    """
    from grader.check.parallel import ParallelChecker, available_cores
    from grader.shared.exercises import names  # not the catalog: its entries import torch, which would come first

    jobs = jobs or available_cores()
    known = set(names())
    wanted = set(exercises) or known
    count = len(wanted) if wanted <= known else 0
    if jobs == 1 or count <= 1 or not submission.is_dir():
        return start_launcher(wait=False)
    return ParallelChecker(min(jobs, count))


def run_checks(request: CheckRequest, launcher: Launcher | ParallelChecker,
               on_result: Callable[[CheckResult], None]) -> RunResult:
    """Grade ``request`` in this process on ``launcher``, or in the grading processes of a :class:`ParallelChecker`."""
    from grader.check import run
    from grader.check.parallel import ParallelChecker

    if isinstance(launcher, ParallelChecker):
        return launcher.check(request, on_result=on_result)
    # This process grades once: pytest's two garbage collections need not walk torch's objects (0.4 s).
    gc.freeze()
    return run.run_checks(request, launcher=launcher, on_result=on_result)


def _check(exercises: tuple[str, ...], submission: Path, out: Path, junit_xml: Path | None, include_hidden: bool,
           seed: int | None, timeout: float | None, threads: int, output_format: str | None,
           launcher: Launcher | ParallelChecker) -> None:
    from grader.check.run import CheckRequest
    from grader.render.files import write_reports
    from grader.render.formats import (
        DOCUMENT_FORMATS,
        default_format,
        print_for_classroom,
        print_for_github,
        render_document,
    )
    from grader.render.terminal import render_terminal

    output_format = output_format or default_format(os.environ)
    console = Console(stderr=output_format in DOCUMENT_FORMATS)
    limits = Limits(threads=threads, call_timeout_s=timeout)
    request = CheckRequest(submission=submission, exercises=list(exercises), include_hidden=include_hidden,
                           seed=seed, limits=limits)
    with exit_codes_for_errors(console), console.status("Grading...") as status:
        def show(check: CheckResult) -> None:
            status.update(f"Grading {check.exercise}: {check.title}")

        result = run_checks(request, launcher=launcher, on_result=show)
    with exit_codes_for_errors(console):
        if output_format in DOCUMENT_FORMATS:
            sys.stdout.write(render_document(result, output_format))
        elif output_format not in ("github", "classroom"):
            render_terminal(result, console)
        paths = write_reports(result, out, junit_xml)
        if output_format == "github":
            print_for_github(result, console, os.environ)
        elif output_format == "classroom":
            print_for_classroom(result, console, os.environ)
    console.print(f"Report: {paths['html']}", markup=False, highlight=False)
    if result.has_grader_error:
        failed = sum(c.outcome == Outcome.GRADER_ERROR for c in result.checks)
        console.print(f"The grader itself failed on {failed} check{'s' if failed > 1 else ''}; this is not your "
                      f"fault. Details are in {_log_file()}.", style="red", markup=False, highlight=False)
        sys.exit(EXIT_INTERNAL)
    sys.exit(EXIT_PASSED if result.all_passed else EXIT_FAILED)


@main.command("watch")
@click.argument("exercises", nargs=-1)
@click.option("--submission", type=click.Path(path_type=Path), default=Path("exercises"), show_default=True,
              help="Folder holding the exercise modules to grade.")
@click.option("--timeout", type=float, default=None, help="Seconds one call of your code may take.")
@click.option("--threads", type=int, default=1, show_default=True, help="Torch threads in each worker.")
def watch_command(exercises: tuple[str, ...], submission: Path, timeout: float | None, threads: int) -> None:
    """Grade EXERCISES (all of them if none is named), then again each one whose files you save; Ctrl-C stops."""
    launcher = start_launcher(wait=False)  # its torch import runs beside ours, as for 'grader check'
    from grader.check.run import CheckRequest
    from grader.check.warm import WarmChecker
    from grader.check.watch import watch

    console = Console()
    request = CheckRequest(submission=submission, exercises=list(exercises),
                           limits=Limits(threads=threads, call_timeout_s=timeout))
    with WarmChecker(launcher) as checker, exit_codes_for_errors(console):
        watch(request, checker, console)


@main.command("bench")
@click.argument("exercises", nargs=-1)
@click.option("--submission", type=click.Path(path_type=Path), default=Path("exercises"), show_default=True,
              help="Folder holding the exercise modules to measure.")
@click.option("--device", "device", type=click.Choice(["cpu", "cuda", "all"]), default="cpu", show_default=True,
              help="Where to measure; 'all' measures on the CPU and, if present, the GPU.")
@click.option("--rounds", type=int, default=7, show_default=True, help="Timed rounds per object (after a warm-up).")
@click.option("--threads", type=int, default=1, show_default=True, help="Torch threads in each worker (both sides).")
def bench_command(exercises: tuple[str, ...], submission: Path, device: str, rounds: int, threads: int) -> None:
    """Measure the throughput of your code against the reference (items/s and their ratio)."""
    from grader.check.run import BenchRequest, run_bench
    from grader.render.terminal import render_bench

    console = Console()
    devices = ["cpu", "cuda"] if device == "all" else [device]
    request = BenchRequest(submission=submission, exercises=list(exercises), devices=devices, rounds=rounds,
                           limits=Limits(threads=threads))
    with exit_codes_for_errors(console), console.status("Measuring..."):
        result = run_bench(request)
    render_bench(result, console)
    sys.exit(EXIT_FAILED if result.problems and not result.measurements else EXIT_PASSED)


@main.command("grade")
@click.argument("submissions", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=Path("reports/grades"), show_default=True,
              help="Folder of the gradebook, the exports and the class report.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Submissions graded at once  [default: the number of CPU cores]")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Seconds one call of a student's code may take  [default: each exercise's own]")
@click.option("--memory", type=click.IntRange(min=64), default=Limits.memory_mb, show_default=True,
              help="Megabytes of memory each worker may use beyond what torch takes.")
@click.option("--resume", is_flag=True,
              help="Continue the last batch in --out, with its seed and options: grade only what it has no result for.")
@click.option("--student", "students", multiple=True,
              help="Grade only this student (repeat for several): a regrade, kept beside the earlier runs.")
@click.option("--exercise", "exercises", multiple=True, help="Grade only this exercise (repeat for several).")
@click.option("--hidden/--public-only", "include_hidden", default=True, show_default=True,
              help="Run the hidden checks too.")
@click.option("--seed", type=int, default=None, help="Seed of the hidden checks' inputs (default: random per batch).")
@click.option("--roster", type=click.Path(path_type=Path), default=None,
              help="CSV mapping each submission to its student in Canvas or Moodle: also write canvas.csv and "
                   "moodle.csv, the grade imports of those tools (columns: see README).")
@click.option("--assignment", default=None,
              help="Title of the grade's column in canvas.csv and moodle.csv; 'Homework 1 (12345)' updates the Canvas "
                   "assignment of ID 12345  [default: PyTorch exercises]")
@click.option("--ray", "ray", is_flag=False, flag_value="local", default=None, metavar="[ADDRESS]",
              help="Grade on a Ray cluster: 'auto' (the cluster this machine is a node of), a head node's address, "
                   "or, given no value, a cluster started on this machine for the batch. Needs pip install '.[ray]' "
                   "on every node.")
def grade_command(submissions: Path, out: Path, workers: int | None, timeout: float | None, memory: int,
                  resume: bool, students: tuple[str, ...], exercises: tuple[str, ...], include_hidden: bool,
                  seed: int | None, roster: Path | None, assignment: str | None, ray: str | None) -> None:
    """Grade every submission under SUBMISSIONS (a folder or a .zip per student) into a gradebook."""
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from grader.grade.batch import BatchRequest, grade_batch
    from grader.grade.batch import Progress as BatchProgress
    from grader.grade.roster import problems
    from grader.visible import visible_name

    console = Console()
    request = BatchRequest(submissions=submissions, out=out, exercises=list(exercises), students=list(students),
                           workers=workers, limits=Limits(call_timeout_s=timeout, memory_mb=memory),
                           include_hidden=include_hidden, seed=seed, resume=resume, roster=roster, ray=ray)
    if assignment:
        request.assignment = assignment
    columns = (TextColumn("Grading"), BarColumn(), MofNCompleteColumn(), TextColumn("elapsed"), TimeElapsedColumn(),
               TextColumn("left"), TimeRemainingColumn(), TextColumn("{task.fields[last]}"))
    with exit_codes_for_errors(console), Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("grading", total=None, last="")

        def show(progress: BatchProgress) -> None:
            last = f"{visible_name(progress.student)}: {progress.status}" if progress.student else ""
            bar.update(task, total=progress.total, completed=progress.done, last=escape(last))

        try:
            summary = grade_batch(request, on_progress=show)
        except KeyboardInterrupt:
            console.print(f"Interrupted. Every result so far is in {out}; run the same command with --resume "
                          "to grade the rest.", style="yellow", markup=False, highlight=False)
            sys.exit(130)
    what = "Resumed" if summary.resumed else "Started"
    console.print(f"{what} batch {summary.batch_id}: {summary.found} submissions found, {summary.already_graded} "
                  f"already graded, {summary.graded_now} graded now "
                  f"({', '.join(f'{n} {s}' for s, n in sorted(summary.statuses.items())) or 'nothing to do'}) "
                  f"in {summary.duration_s:.0f} s.", markup=False, highlight=False)
    for note in summary.skipped:
        console.print(f"Skipped {visible_name(note)}", style="yellow", markup=False, highlight=False)
    console.print(f"Class report: {summary.outputs['class_report']}", markup=False, highlight=False)
    console.print(f"Grades (CSV): {summary.outputs['csv']}", markup=False, highlight=False)
    console.print(f"Similar pairs flagged: {summary.similar_pairs} (in the class report and "
                  f"{summary.outputs['similarity_csv']})", markup=False, highlight=False)
    if summary.roster is not None:  # where the LMS files are, and whose grade is in none of them
        for key, tool in (("canvas", "Canvas"), ("moodle", "Moodle")):
            if key in summary.outputs:
                console.print(f"{tool} import: {summary.outputs[key]}", markup=False, highlight=False)
        found = problems(summary.roster)
        for problem in found:
            line = f" (roster line {problem.roster_line})" if problem.roster_line else ""
            what = problem.problem[:1].upper() + problem.problem[1:]
            console.print(f"{what}: {visible_name(problem.submission)}{line}: {problem.what_to_do}", style="yellow",
                          markup=False, highlight=False)
        console.print(f"{len(found) or 'No'} roster problem{'' if len(found) == 1 else 's'}, listed in "
                      f"{summary.outputs['roster_problems']}", markup=False, highlight=False)
    sys.exit(EXIT_INTERNAL if summary.statuses.get("failed") else EXIT_PASSED)


@main.command("similar")
@click.argument("submissions", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=Path("reports/similarity"), show_default=True,
              help="Folder for similarity.html (the pairs side by side) and similarity.csv.")
@click.option("--exercise", "exercises", multiple=True, help="Compare only this exercise (repeat for several).")
def similar_command(submissions: Path, out: Path, exercises: tuple[str, ...]) -> None:
    """Find the students whose modules are alike: per exercise, the pairs most alike under SUBMISSIONS."""
    from rich.markup import escape
    from rich.table import Table

    from grader.grade.export import write_similarity
    from grader.grade.similarity import find_similar
    from grader.visible import visible_name

    console = Console()
    with exit_codes_for_errors(console), console.status("Comparing the submissions..."):
        report, skipped = find_similar(submissions, list(exercises), Limits())
        paths = write_similarity(report, out)
    table = Table(title=f"Pairs flagged (score from {report.threshold:.0%})")
    for column in ("exercise", "score", "student", "other student"):
        table.add_column(column)
    for pair in report.flagged:
        table.add_row(pair.exercise, f"{pair.score:.0%}", *[escape(visible_name(s)) for s in pair.students])
    console.print(table)
    for note in skipped:
        console.print(f"Skipped {visible_name(note)}", style="yellow", markup=False, highlight=False)
    for note in report.notes:
        console.print(note, style="yellow", markup=False, highlight=False)
    flagged = len(report.flagged)
    console.print(f"{flagged} pair{'' if flagged == 1 else 's'} flagged. Side by side: {paths['html']}; every pair "
                  f"listed: {paths['csv']}", markup=False, highlight=False)


@main.command("bundle")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="A new folder for the students' copy: stubs, grader, public checks, golden fixtures, CI workflow.")
@click.option("--notebooks", is_flag=True,
              help="Also write notebooks/<exercise>.ipynb: the stub's docstring and code, and a cell that checks it.")
def bundle_command(out: Path, notebooks: bool) -> None:
    """Build what students receive: it grades the public checks offline, without the reference solutions."""
    from grader.bundle.build import BundleError, build_bundle
    from grader.check.run import UsageError

    console = Console()
    with exit_codes_for_errors(console), console.status("Recording the references' answers to the public checks..."):
        try:
            summary = build_bundle(out, notebooks=notebooks)
        except BundleError as exc:
            raise UsageError(f"the bundle cannot be built: {exc}") from None
    console.print(f"Wrote {summary.out}: {len(summary.exercises)} exercises, {summary.public_checks} public checks "
                  f"({summary.hidden_checks_left_out} hidden checks left out), {summary.recorded_calls} reference "
                  "answers recorded. Hand out the folder (or push it as the course repository); students run "
                  "'pip install .' then 'grader check'.", markup=False, highlight=False)


@main.command("gradescope")
@click.option("--out", type=click.Path(path_type=Path), default=Path("autograder.zip"), show_default=True,
              help="The autograder .zip to upload to Gradescope.")
@click.option("--exercise", "exercises", multiple=True, help="Grade only this exercise (repeat for several).")
@click.option("--time-budget", "time_budget_s", type=click.IntRange(min=30), default=None,
              help="Seconds the grading of one submission may take  [default: 540, under Gradescope's 10 minutes]")
def gradescope_command(out: Path, exercises: tuple[str, ...], time_budget_s: int | None) -> None:
    """Build Gradescope's autograder package: the whole grader, hidden checks and references, kept from students' code."""
    from grader.bundle.gradescope import DEFAULT_TIME_BUDGET_S, LIMITS, MEMORY_NEEDED_MB, build_autograder

    console = Console()
    with exit_codes_for_errors(console):
        summary = build_autograder(out, exercises, time_budget_s or DEFAULT_TIME_BUDGET_S)
    console.print(f"Wrote {summary.out}: {len(summary.exercises)} exercises, {summary.files} files, torch "
                  f"{summary.torch} and torchvision {summary.torchvision} (CPU builds) installed by setup.sh. Upload it "
                  f"as the assignment's autograder (Configure Autograder, Ubuntu 22.04 or later) and set its memory to "
                  f"at least {MEMORY_NEEDED_MB // 1024} GB in Autograder Settings (the default 768 MB is too little). "
                  f"Each submission is graded with the hidden checks; each worker has {LIMITS.threads} torch thread "
                  f"and {LIMITS.memory_mb} MB.", markup=False, highlight=False)


@main.command("list")
def list_command() -> None:
    """Show the exercises, their points and the objects to implement."""
    from rich.table import Table

    from grader import catalog
    from grader.inventory import points_by_exercise

    points = points_by_exercise()
    table = Table(title="Exercises")
    for column in ("#", "exercise", "title", "implement", "points", "from the notes"):
        table.add_column(column)
    for number, exercise in enumerate(catalog.available(), start=1):
        public, hidden = points.get(exercise.name, (0.0, 0.0))
        shown = f"{public:g}" + (f" (+{hidden:g} hidden)" if hidden else "")
        table.add_row(str(number), exercise.name, exercise.title, ", ".join(exercise.objects), shown, exercise.notes)
    Console().print(table)


if __name__ == "__main__":
    main()
