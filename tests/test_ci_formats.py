"""``grader check --format``: JSON, JUnit, Markdown and GitHub output on a passing and a failing run."""

from __future__ import annotations

import html
import json
import subprocess
import sys
from pathlib import Path

import cmarkgfm
import pytest
from actions_runner import commands_in
from conftest import ROOT, SUBMISSIONS, submission_with
from junitparser import Error, Failure, JUnitXml

from grader.render.formats import default_format, print_for_github, publish_to_github, render_document
from grader.render.github import MAX_ANNOTATIONS, escape_data, escape_property, inert, render_annotations
from grader.render.markdown import render_markdown
from grader.results import CheckResult, ExerciseResult, RunResult

HOSTILE = "<img src=x onerror=alert(1)> [click](http://evil) | col %0A\r\n::error file=x::forged"
STUDENT_MODULE = '''"""A student's encoding module."""
import torch


def helper():
    pass


def one_hot(target, num_classes):
    return torch.zeros(len(target), num_classes)


def one_hot_along(indices, num_classes, dim):
    raise NotImplementedError
'''


def _check(name: str, outcome: str, points: float, **fields) -> CheckResult:
    values = dict(exercise="encoding", name=name, title=name.replace("_", " "), kind="correctness", hidden=False,
                  max_points=2.0, points=points, outcome=outcome, duration_s=0.5)
    values.update(fields)
    return CheckResult(**values)


def _run(submission: Path, checks: list[CheckResult]) -> RunResult:
    return RunResult(submission=str(submission), started_at="2025-01-01T00:00:00+00:00", duration_s=1.0,
                     grader_version="test", seed=0, include_hidden=False, isolation="fork",
                     exercises=[ExerciseResult(name="encoding", title="One-hot encoding", checks=checks)])


@pytest.fixture
def passing(tmp_path: Path) -> RunResult:
    return _run(tmp_path, [_check("one_hot_matches_reference", "passed", 2.0),
                           _check("one_hot_along_matches_reference", "passed", 2.0)])


@pytest.fixture
def failing(tmp_path: Path) -> RunResult:
    (tmp_path / "encoding.py").write_text(STUDENT_MODULE)
    return _run(tmp_path, [
        _check("one_hot_matches_reference", "failed", 0.0, message=HOSTILE + "\nmore", hint="Use scatter_ on dim 1."),
        _check("one_hot_along_matches_reference", "not_implemented", 0.0, message="one_hot_along(): not implemented yet",
               hint="Put the class axis at dim."),
        _check("one_hot_throughput", "skipped", 0.0, kind="performance", message="no reference here"),
        _check("one_hot_is_float", "passed", 2.0),
    ])


def test_json_round_trips_on_a_passing_and_a_failing_run(passing: RunResult, failing: RunResult) -> None:
    for result in (passing, failing):
        assert RunResult.from_dict(json.loads(render_document(result, "json"))) == result


def test_junit_is_read_by_a_junit_consumer_on_a_passing_and_a_failing_run(passing: RunResult, failing: RunResult,
                                                                          tmp_path: Path) -> None:
    for name, result, failures in (("pass", passing, 0), ("fail", failing, 2)):
        path = tmp_path / f"{name}.xml"
        path.write_text(render_document(result, "junit"))
        suite = next(iter(JUnitXml.fromfile(str(path))))
        cases = list(suite)
        assert suite.tests == len(result.checks) and suite.failures == failures and suite.errors == 0
        verdicts = {case.name: [type(r).__name__ for r in case.result] for case in cases}
        if failures:
            assert verdicts["one_hot_matches_reference"] == [Failure.__name__]
            assert verdicts["one_hot_throughput"] == ["Skipped"]
            assert verdicts["one_hot_is_float"] == []
            assert not any(Error.__name__ in v for v in verdicts.values())
        else:
            assert all(v == [] for v in verdicts.values())


def test_markdown_summarises_each_check_and_escapes_student_text(passing: RunResult, failing: RunResult) -> None:
    assert "✅ all passed" in render_markdown(passing) and "4/4 points" in render_markdown(passing)
    page = render_markdown(failing)
    assert "2/6 points — 1 of 3 checks passed" in page
    shown = cmarkgfm.github_flavored_markdown_to_html(page)  # as GitHub's own parser renders it
    assert "<img" not in shown and "&lt;img" in shown  # no HTML reaches the page
    assert "<a " not in shown and "[click](http://evil)" in shown  # no link: the text, literally
    row = next(line for line in page.splitlines() if "one hot matches reference" in line)
    assert row.count(" | ") == 4  # the student's '|' opened no column
    assert "Use scatter\\_ on dim 1\\." in row
    assert "⏭️" in page and "not implemented yet" in page


def test_annotations_point_at_the_students_function_and_escape_the_message(failing: RunResult, tmp_path: Path) -> None:
    lines = render_annotations(failing, workspace=tmp_path.parent).splitlines()
    assert len(lines) == 2  # one per failing check: not for the passed or the skipped one
    folder = tmp_path.name
    assert lines[0].startswith(f"::error file={folder}/encoding.py,line=9,title=encoding%3A one hot matches reference")
    assert lines[1].startswith(f"::error file={folder}/encoding.py,line=13,")
    message = lines[0].split("::", 2)[2]
    assert "\n" not in message and "\r" not in message
    assert message.startswith("<img src=x onerror=alert(1)> [click](http://evil) | col %250A\\x0d%0A: :error file=x: :forged")
    assert message.endswith("forged%0Amore%0AHint: Use scatter_ on dim 1.")


def test_an_annotation_without_a_module_or_a_definition_goes_on_line_1(failing: RunResult, tmp_path: Path) -> None:
    (tmp_path / "encoding.py").write_text("def unrelated(:\n")
    assert all(",line=1," in line for line in render_annotations(failing, workspace=tmp_path).splitlines())


def test_workflow_command_escapes() -> None:
    assert escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_format_writes_the_step_summary_and_is_the_default_in_actions(failing: RunResult, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    out = tmp_path / "stdout.txt"
    with out.open("w") as stream:
        written = publish_to_github(failing, {"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_WORKSPACE": str(tmp_path)},
                                    stream)
    assert written == summary
    assert summary.read_text().startswith("earlier step\n## Grader: 2/6 points")
    assert out.read_text().count("::error file=encoding.py,line=") == 2
    assert default_format({"GITHUB_ACTIONS": "true"}) == "github" and default_format({}) == "terminal"


def _grader(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "grader.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "HOME": str(Path.home()),
                                            **(env or {})})


@pytest.mark.slow
def test_check_in_github_actions_annotates_the_failing_function_and_exits_1(tmp_path: Path) -> None:
    submission = submission_with(tmp_path, "encoding", SUBMISSIONS / "encoding" / "off_by_one.py")
    summary = tmp_path / "summary.md"
    run = _grader("check", "encoding", "--submission", str(submission), "--out", str(tmp_path / "reports"),
                  env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_WORKSPACE": str(tmp_path)})
    assert run.returncode == 1
    source = (submission / "encoding.py").read_text().splitlines()
    line = next(i for i, text in enumerate(source, start=1) if text.startswith("def one_hot("))
    annotations = [a for a in run.stdout.splitlines() if a.startswith("::error ")]
    assert annotations and any(f"file={submission.name}/encoding.py,line={line}," in a for a in annotations)
    assert "| ❌ |" in summary.read_text()


@pytest.mark.slow
@pytest.mark.parametrize("output_format", ["json", "junit", "markdown"])
def test_document_formats_print_only_the_document(output_format: str, tmp_path: Path) -> None:
    passing = _grader("check", "images", "--submission", "solutions", "--format", output_format,
                      "--out", str(tmp_path / "pass"))
    failing = _grader("check", "images", "--format", output_format, "--out", str(tmp_path / "fail"))
    assert (passing.returncode, failing.returncode) == (0, 1)
    if output_format == "json":
        assert RunResult.from_dict(json.loads(passing.stdout)).all_passed
        assert not RunResult.from_dict(json.loads(failing.stdout)).all_passed
    elif output_format == "junit":
        for run, failures in ((passing, False), (failing, True)):
            (tmp_path / "j.xml").write_text(run.stdout)
            suite = next(iter(JUnitXml.fromfile(str(tmp_path / "j.xml"))))
            assert (suite.failures > 0) is failures
    else:
        assert passing.stdout.startswith("## Grader:") and "✅ all passed" in passing.stdout
        assert failing.stdout.startswith("## Grader:") and "not implemented yet" in failing.stdout


#: Lines a student's text may hold to forge workflow commands, each in one way the runner reads.
FORGERIES = (
    "##[stop-commands]studenttoken",                 # the legacy form counts anywhere in a line
    "  ::warning file=encoding.py,line=1::forged",   # leading spaces are skipped
    "\u00a0::notice::forged notice",                 # so is any other Unicode space
    "::add-mask::the instructor's secret",
    "x\r::error title=forged::after a carriage return",
    "%0A::error::forged through an escape",
    "::stop-commands::studenttoken",
    "##[error]forged legacy error",
    "::studenttoken::",
)


def _forging_run(submission: Path, failing: int) -> RunResult:
    checks = [_check(f"check_{i}", "failed", 0.0, message=f"one_hot() failed: {FORGERIES[i % len(FORGERIES)]}")
              for i in range(failing)]
    run = _run(submission, [*checks, _check("one_hot_is_float", "passed", 2.0)])
    run.warnings = list(FORGERIES)
    return run


def _github_log(result: RunResult, tmp_path: Path) -> str:
    from io import StringIO

    from rich.console import Console

    console = Console(file=StringIO(), width=100, force_terminal=False)
    print_for_github(result, console, {"GITHUB_WORKSPACE": str(tmp_path)})
    return console.file.getvalue()


def test_no_student_text_in_the_github_log_becomes_a_workflow_command(tmp_path: Path) -> None:
    (tmp_path / "encoding.py").write_text(STUDENT_MODULE)
    result = _forging_run(tmp_path, len(FORGERIES))
    log = _github_log(result, tmp_path)
    assert "##[stop-commands]studenttoken" in log  # the student's text is shown...
    commands = commands_in(log)  # ...but the runner acts on the grader's commands alone
    stop, resume, *annotations = commands
    assert stop.name == "stop-commands" and len(stop.data) == 32 and resume.name == stop.data
    assert [c.name for c in annotations] == ["error"] * len(FORGERIES)
    for command in annotations:
        assert command.properties["file"] == "encoding.py" and command.properties["line"] == "9"
        assert "::" not in command.data and "##[" not in command.data
        assert command.data.startswith("one_hot() failed: ")


def test_the_table_is_printed_inside_the_stopped_region(tmp_path: Path) -> None:
    log = _github_log(_forging_run(tmp_path, 2), tmp_path)
    lines = log.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("::stop-commands::"))
    end = next(i for i, line in enumerate(lines) if line == f"::{lines[start].split('::')[2]}::")
    forged = [i for i, line in enumerate(lines) if "studenttoken" in line or "forged" in line]
    assert forged and all(start < i < end or lines[i].startswith("::error ") for i in forged)


def test_a_new_token_is_drawn_for_every_run(tmp_path: Path) -> None:
    tokens = {commands_in(_github_log(_forging_run(tmp_path, 1), tmp_path))[0].data for _ in range(3)}
    assert len(tokens) == 3


def test_at_most_ten_annotations_the_students_mistakes_first_and_a_notice_for_the_rest(tmp_path: Path) -> None:
    checks = [_check(f"stub_{i}", "not_implemented", 0.0, message="one_hot(): not implemented yet") for i in range(8)]
    checks += [_check(f"speed_{i}", "failed", 0.0, kind="performance", message="one_hot() is slow") for i in range(3)]
    checks += [_check(f"wrong_{i}", "failed", 0.0, message="one_hot() differs") for i in range(4)]
    commands = commands_in(render_annotations(_run(tmp_path, checks), workspace=tmp_path))
    errors = [c for c in commands if c.name == "error"]
    assert len(errors) == MAX_ANNOTATIONS == 10
    assert [e.properties["title"].split(": ")[1].split(" (")[0] for e in errors[:7]] == \
        ["wrong 0", "wrong 1", "wrong 2", "wrong 3", "speed 0", "speed 1", "speed 2"]
    assert [c.name for c in commands].count("notice") == 1 and "5 more checks" in commands[-1].data


def test_an_annotation_goes_on_the_function_its_message_names(tmp_path: Path) -> None:
    (tmp_path / "encoding.py").write_text(STUDENT_MODULE)
    checks = [_check("one_hot_matches_reference", "failed", 0.0, message="one_hot_along(x, 3, 0) returned shape [2]")]
    (line,) = render_annotations(_run(tmp_path, checks), workspace=tmp_path).splitlines()
    assert ",line=13," in line  # one_hot_along, though the check is named after one_hot


def test_inert_breaks_every_command_start() -> None:
    for text in (":::", "::x::", "###[", "##[##[", ": ::"):
        assert "::" not in inert(text) and "##[" not in inert(text)
    assert inert("a::b") == "a: :b" and inert("##[x]") == "# #[x]"


def test_github_renders_the_summary_with_no_link_emoji_html_or_extra_column(failing: RunResult) -> None:
    hostile = "www.evil.example :smile: https://evil.example/x <b>bold</b> `tick` | pipe a@b.example"
    failing.checks[0].message = hostile
    failing.warnings = [hostile]
    page = cmarkgfm.github_flavored_markdown_to_html(render_markdown(failing))
    assert "<a " not in page and "<b>" not in page and "<img" not in page
    assert page.count(":smile:") == 2 and page.count("<code>") >= 2
    assert all(":smile:" in code for code in _code_spans(page) if "smile" in code)
    row = next(r for r in page.split("<tr>") if "one hot matches reference" in r)
    assert row.count("<td") == 5


def _code_spans(page: str) -> list[str]:
    import re

    return re.findall(r"<code>(.*?)</code>", page, flags=re.S)


ACTING = "\x1b[2J\x1b]0;owned\x07 evil\u202ecod.exe\u200b\ufeff\u2066x\u2069"
RAW = ("\x1b", "\x07", "\u202e", "\u200b", "\ufeff", "\u2066", "\u2069")


def test_acting_characters_in_messages_reach_no_consumer_raw(tmp_path: Path) -> None:
    from io import StringIO

    from rich.console import Console

    from grader.render.terminal import render_terminal

    result = _run(tmp_path, [_check("one_hot_matches_reference", "failed", 0.0, message=f"one_hot() raised: {ACTING}",
                                    hint="Use scatter_.")])
    result.warnings = [ACTING]
    console = Console(file=StringIO(), width=120, force_terminal=True)  # a real terminal: styles as escapes
    render_terminal(result, console)
    shown = {
        "terminal": console.file.getvalue().replace("\x1b[", "").replace("\x1b]", ""),  # rich's own styling
        "junit": html.unescape(render_document(result, "junit")),  # the XML as a consumer reads it
        "markdown": render_markdown(result),
        "annotations": render_annotations(result, workspace=tmp_path),
    }
    for consumer, text in shown.items():
        assert not [c for c in RAW if c in text], consumer
        assert "<U+202E>" in text and "\\x1b" in text, consumer


def test_a_module_nested_too_deep_to_parse_is_annotated_on_line_1(failing: RunResult, tmp_path: Path) -> None:
    (tmp_path / "encoding.py").write_text("def one_hot(t, n):\n    return 1" + "+1" * 150_000 + "\n")
    assert all(",line=1," in line for line in render_annotations(failing, workspace=tmp_path).splitlines())
