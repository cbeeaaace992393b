"""The JSON Schemas shipped in ``grader/schemas/``, and JUnit XML against the Jenkins schema ``junit-10.xsd``.

The schemas are checked against what the grader really writes (``results.json``, ``gradebook.json``,
Gradescope's ``results.json``) and against broken documents they must refuse; the JUnit XML of every
outcome, and of hostile text, is validated with xmlschema, as is pytest's own (a check of the XSD).
"""

from __future__ import annotations

import copy
import fnmatch
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest
import xmlschema
from conftest import ROOT
from junit_xsd import JUNIT_XSD, assert_valid_junit
from junitparser import JUnitXml

from grader import schemas
from grader.grade.export import gradebook_json, gradescope_results
from grader.grade.gradebook import STATUSES, Run
from grader.judge.core import KINDS
from grader.render.junit import render_junit
from grader.results import SCHEMA_VERSION, CheckResult, ExerciseResult, RunResult
from grader.shared.outcome import Outcome

SCRIPT = "<script>alert(1)</script>"


def _result(*outcomes: Outcome, message: str = "wrong", output: str = "") -> RunResult:
    checks = [CheckResult(exercise="encoding", name=f"check_{n}", title=f"check {n}", kind=KINDS[n % len(KINDS)],
                          hidden=n % 2 == 1, max_points=2.0, points=2.0 if o == Outcome.PASSED else 0.0, outcome=o,
                          message="" if o == Outcome.PASSED else message, hint="look again", output=output,
                          details={"max_abs_error": 0.5, "shape": [2, 3]}, duration_s=0.125)
              for n, o in enumerate(outcomes)]
    return RunResult(submission="alice", started_at="2026-01-01T00:00:00+00:00", duration_s=3.5, grader_version="t",
                     seed=7, include_hidden=True, isolation="zygote-fork",
                     exercises=[ExerciseResult(name="encoding", title="Encoding", checks=checks)], warnings=["w"])


def _run(result: RunResult, status: str = "graded") -> Run:
    return Run(id=3, batch_id=1, student="alice", source="alice.zip", content_hash="0" * 64, status=status,
               finished_at="2026-01-01T00:00:09+00:00", result=result)


@pytest.fixture
def every_outcome() -> RunResult:
    return _result(*Outcome)


def _refused(name: str, document: object) -> jsonschema.ValidationError:
    with pytest.raises(jsonschema.ValidationError) as refused:
        schemas.validate(name, document)
    return refused.value


# ------------------------------------------------------------------------------------------ the schemas themselves


@pytest.mark.parametrize("name", schemas.NAMES)
def test_each_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    schema = schemas.load(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_schemas_speak_the_results_models_vocabulary() -> None:
    results, gradebook = schemas.load("results"), schemas.load("gradebook")
    check = results["$defs"]["check"]["properties"]
    assert check["outcome"]["enum"] == [o.value for o in Outcome]
    assert check["kind"]["enum"] == list(KINDS)
    assert results["properties"]["schema_version"]["const"] == SCHEMA_VERSION
    assert gradebook["properties"]["schema_version"]["const"] == SCHEMA_VERSION
    assert gradebook["$defs"]["student"]["properties"]["status"]["enum"] == list(STATUSES)


def test_every_field_the_results_model_writes_is_in_the_schema_and_required(every_outcome: RunResult) -> None:
    written = json.loads(every_outcome.to_json())
    results = schemas.load("results")
    assert set(results["required"]) == set(written)
    assert set(results["$defs"]["exercise"]["required"]) == set(written["exercises"][0])
    assert set(results["$defs"]["check"]["required"]) == set(written["exercises"][0]["checks"][0])


def test_the_schemas_ship_as_package_data() -> None:
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["grader.schemas"]
    files = sorted(p.name for p in (ROOT / "grader" / "schemas").glob("*.json"))
    assert files == sorted(f"{name}.schema.json" for name in schemas.NAMES)
    assert all(any(fnmatch.fnmatch(name, glob) for glob in globs) for name in files)


def test_an_unknown_schema_name_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match="results, gradebook, gradescope"):
        schemas.load("grades")


# ------------------------------------------------------------------------------------------ what the grader writes


def test_results_json_of_every_outcome_validates(every_outcome: RunResult) -> None:
    schemas.validate("results", json.loads(every_outcome.to_json()))


def test_gradebook_json_validates_and_checks_each_students_result(every_outcome: RunResult) -> None:
    document = json.loads(gradebook_json([_run(every_outcome), _run(_result(), status="rejected")]))
    schemas.validate("gradebook", document)
    document["students"][0]["result"]["exercises"][0]["checks"][0]["outcome"] = "won"
    error = _refused("gradebook", document)
    assert list(error.absolute_path) == ["students", 0, "result", "exercises", 0, "checks", 0, "outcome"]


def test_gradescope_results_of_every_outcome_validate(every_outcome: RunResult) -> None:
    schemas.validate("gradescope", gradescope_results(_run(every_outcome)))
    schemas.validate("gradescope", gradescope_results(_run(_result())))  # no checks at all


# ------------------------------------------------------------------------------------------ broken documents


@pytest.fixture
def gradescope(every_outcome: RunResult) -> dict:
    return gradescope_results(_run(every_outcome))


def test_gradescope_results_without_a_score_are_refused(gradescope: dict) -> None:
    del gradescope["score"]
    assert "'score' is a required property" in _refused("gradescope", gradescope).message


def test_a_gradescope_test_without_a_score_is_refused(gradescope: dict) -> None:
    del gradescope["tests"][1]["score"]
    assert list(_refused("gradescope", gradescope).absolute_path) == ["tests", 1]


@pytest.mark.parametrize(("path", "value"), [
    (("score",), "12"),
    (("tests", 0, "max_score"), None),
    (("tests", 0, "status"), "ok"),
    (("tests", 0, "visibility"), "later"),
    (("output_format",), "rtf"),
    (("tests", 0, "tags"), "encoding"),
    (("stdout_visiblity",), "hidden"),  # a misspelt key is not silently ignored
])
def test_gradescope_results_of_a_wrong_type_or_value_are_refused(gradescope: dict, path: tuple, value: object) -> None:
    target = gradescope
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    _refused("gradescope", gradescope)


@pytest.mark.parametrize(("path", "value"), [
    (("schema_version",), 2),
    (("seed",), 7.5),
    (("exercises", 0, "checks", 0, "points"), "2"),
    (("exercises", 0, "checks", 0, "points"), -1),
    (("exercises", 0, "checks", 0, "hidden"), "no"),
    (("exercises", 0, "checks", 0, "kind"), "style"),
    (("exercises", 0, "checks", 0, "score"), 2.0),
])
def test_results_json_of_a_wrong_type_or_value_is_refused(every_outcome: RunResult, path: tuple, value: object) -> None:
    document = json.loads(every_outcome.to_json())
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    _refused("results", document)


def test_results_json_missing_a_field_is_refused(every_outcome: RunResult) -> None:
    document = json.loads(every_outcome.to_json())
    for field in ("points", "outcome", "max_points"):
        broken = copy.deepcopy(document)
        del broken["exercises"][0]["checks"][0][field]
        assert f"'{field}' is a required property" in _refused("results", broken).message


# ------------------------------------------------------------------------------------------ JUnit and junit-10.xsd


def test_junit_of_every_outcome_is_valid_under_junit_10_xsd(every_outcome: RunResult) -> None:
    xml = render_junit(every_outcome)
    assert_valid_junit(xml)
    parsed = JUnitXml.fromstring(xml)  # and junitparser still reads it as before
    (suite,) = parsed
    assert (suite.tests, suite.skipped) == (len(Outcome), 1)
    assert suite.failures + suite.errors == sum(o.failing for o in Outcome)


def test_junit_of_hostile_text_is_valid_under_junit_10_xsd() -> None:
    result = _result(Outcome.FAILED, Outcome.SKIPPED, message=f"{SCRIPT}\x1b[2J\x00\ud800 ]]> &amp;",
                     output=f"{SCRIPT}\x07\u202e")
    result.exercises[0].name = f"{SCRIPT}\x00"
    assert_valid_junit(render_junit(result))


def test_junit_of_runs_with_no_check_or_no_exercise_is_valid_under_junit_10_xsd() -> None:
    assert_valid_junit(render_junit(_result()))
    empty = _result()
    empty.exercises = []
    assert_valid_junit(render_junit(empty))


def test_junit_10_xsd_refuses_a_skipped_count_on_testsuites(every_outcome: RunResult) -> None:
    xml = render_junit(every_outcome).replace("<testsuites ", '<testsuites skipped="1" ', 1)
    with pytest.raises(xmlschema.XMLSchemaValidationError, match="skipped"):
        assert_valid_junit(xml)


@pytest.mark.slow
def test_pytests_own_junit_xml_is_valid_under_junit_10_xsd(tmp_path: Path) -> None:
    (tmp_path / "test_sample.py").write_text(
        "import pytest\n\n"
        "def test_passes():\n    print('out')\n\n"
        "def test_fails():\n    assert 1 == 2\n\n"
        "@pytest.mark.skip(reason='no GPU')\ndef test_skipped():\n    pass\n\n"
        "@pytest.fixture\ndef broken():\n    raise RuntimeError('setup')\n\n"
        "def test_errors(broken):\n    pass\n",
        encoding="utf-8")
    report = tmp_path / "junit.xml"
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junit-xml={report}",
                    "test_sample.py"], cwd=tmp_path, capture_output=True, timeout=120)
    suite = JUNIT_XSD.to_dict(str(report))["testsuite"][0]
    assert (suite["@tests"], suite["@failures"], suite["@errors"], suite["@skipped"]) == ("4", "1", "1", "1")
