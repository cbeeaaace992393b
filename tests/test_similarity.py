"""Who copied: copies are flagged whatever their names, order and comments; independent work and the stub are not."""

from __future__ import annotations

import ast
import csv
import io
import json
import random
import shutil
import statistics
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, SUBMISSIONS
from hostile_archives import folder_with_symlink, zip_slip

from grader import catalog, schemas
from grader.check.run import UsageError
from grader.cli import main
from grader.grade.batch import BatchRequest, grade_batch
from grader.grade.classreport import render_class_report, render_similarity_report
from grader.grade.export import gradebook_json, grades_csv, similarity_csv
from grader.grade.gradebook import FILE_NAME, Gradebook, Run
from grader.grade.similarity import (
    MAX_MODULE_BYTES,
    MIN_MATCHED_TOKENS,
    THRESHOLD,
    Module,
    compare,
    find_similar,
    identical_to,
    normalise,
    read_modules,
)
from grader.results import RunResult
from grader.shared.limits import Limits

EXERCISES = [e.name for e in catalog.available()]
HOSTILE_NAME = "<script>alert('name')</script>\u202e=cmd"
HOSTILE_CODE = 'x = "</pre><script>alert(1)</script><img src=x onerror=alert(2)>"  # \u202e\x1b[2J\n'


def _independent(exercise: str) -> dict[str, str]:
    """The reference and the correct variants of ``exercise``: right, and each written on its own."""
    files = {"solution": ROOT / "solutions" / f"{exercise}.py",
             **{p.stem: p for p in sorted((SUBMISSIONS / exercise).glob("correct_*.py"))}}
    return {name: path.read_text(encoding="utf-8") for name, path in files.items()}


def _stub(exercise: str) -> str:
    return (ROOT / "exercises" / f"{exercise}.py").read_text(encoding="utf-8")


def disguised(source: str, seed: int) -> str:
    """A copy as a student hides one: every name it binds renamed, top-level functions and classes in
    reverse order, the code laid out anew and a comment every third line."""
    rng = random.Random(seed)
    tree = ast.parse(source)
    bound = {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    bound |= {node.arg for node in ast.walk(tree) if isinstance(node, ast.arg)}
    bound |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    bound.discard("self")
    renamed = {name: f"{rng.choice(['my', 'the', 'tmp'])}_{name[::-1]}{rng.randint(0, 99)}" for name in bound}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            node.id = renamed.get(node.id, node.id)
        elif isinstance(node, ast.arg):
            node.arg = renamed.get(node.arg, node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            node.name = renamed.get(node.name, node.name)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in renamed.values():
            for argument in node.keywords:  # the student's own keyword parameters were renamed too
                argument.arg = renamed.get(argument.arg, argument.arg)
    places = [i for i, node in enumerate(tree.body) if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    for place, node in zip(places, [tree.body[i] for i in reversed(places)]):
        tree.body[place] = node
    lines = []
    for number, line in enumerate(ast.unparse(tree).splitlines()):
        lines.append(line)
        if number % 3 == 1 and line.strip():
            lines.append(" " * (len(line) - len(line.lstrip())) + "# " + rng.choice(["step", "as in the notes"]))
    return "\n".join(lines) + "\n"


def _students(tmp_path: Path, modules: dict[str, dict[str, str]]) -> Path:
    """A submissions folder: one folder per student holding ``{exercise: source}``."""
    root = tmp_path / "submissions"
    for student, files in modules.items():
        (root / student).mkdir(parents=True)
        for exercise, source in files.items():
            (root / student / f"{exercise}.py").write_text(source, encoding="utf-8")
    return root


@pytest.mark.parametrize("exercise", EXERCISES)
def test_copies_with_renamed_names_reordered_functions_and_comments_are_flagged(exercise):
    originals = _independent(exercise)
    for number, (name, source) in enumerate(originals.items()):
        copy = disguised(source, number)
        assert copy != source and ast.dump(ast.parse(copy)) != ast.dump(ast.parse(source))
        report = compare([Module(name, exercise, source), Module(f"copy of {name}", exercise, copy)], [exercise])
        [pair] = report.pairs
        assert pair.flagged and pair.score >= THRESHOLD, f"{exercise}: the copy of {name} scores {pair.score:.2f}"


@pytest.mark.parametrize("exercise", EXERCISES)
def test_independent_correct_variants_are_not_flagged_against_each_other(exercise):
    originals = _independent(exercise)
    report = compare([Module(name, exercise, source) for name, source in originals.items()], [exercise])
    assert report.compared[exercise] == len(originals) >= 3
    assert not report.flagged, [(p.students, round(p.score, 2)) for p in report.flagged]
    assert all(p.score < THRESHOLD for p in report.pairs)


def test_the_threshold_lies_between_the_independent_variants_and_their_copies():
    """The figures the threshold's comment gives, measured again on every exercise."""
    independent, copies = [], []
    for exercise in EXERCISES:
        originals = _independent(exercise)
        modules = [Module(name, exercise, source) for name, source in originals.items()]
        modules += [Module(f"~copy {name}", exercise, disguised(source, number))
                    for number, (name, source) in enumerate(originals.items())]
        report = compare(modules, [exercise])
        scores = {p.students: p.score for p in report.pairs}
        names = sorted(originals)
        independent += [scores.get((a, b), 0.0) for i, a in enumerate(names) for b in names[i + 1:]]
        copies += [scores[(name, f"~copy {name}")] for name in names]
    assert (len(independent), len(copies)) == (66, 58)
    assert max(independent) < THRESHOLD - 0.05 and statistics.median(independent) < 0.4
    assert min(copies) > THRESHOLD + 0.05 and statistics.median(copies) > 0.95


@pytest.mark.parametrize("exercise", EXERCISES)
def test_the_stub_alone_is_flagged_against_nothing(exercise):
    others = {**_independent(exercise),
              **{p.stem: p.read_text(encoding="utf-8") for p in sorted((SUBMISSIONS / exercise).glob("*.py"))}}
    modules = [Module(name, exercise, source) for name, source in others.items()]
    modules += [Module("stub", exercise, _stub(exercise)), Module("stub, commented", exercise,
                                                                 "# my work\n" + _stub(exercise))]
    report = compare(modules, [exercise])
    assert report.pairs
    assert not [p for p in report.pairs if {"stub", "stub, commented"} & set(p.students)]


def test_two_partial_submissions_sharing_one_short_function_are_alike_but_not_flagged():
    stub = _stub("linear_model")
    filled = stub.replace('raise NotImplementedError("cost: not implemented yet")',
                          "return ((forward(xs, w) - ys) ** 2).mean()")
    assert filled != stub
    report = compare([Module("ann", "linear_model", filled), Module("ben", "linear_model", filled)], ["linear_model"])
    [pair] = report.pairs
    assert pair.score >= THRESHOLD and 0 < pair.matched_tokens < MIN_MATCHED_TOKENS and not pair.flagged


def test_names_comments_docstrings_and_layout_are_set_aside_but_the_api_used_is_not():
    written = '''def cost(xs, ys, w):
    """Mean squared error."""
    # the residual first
    residual = xs * w - ys
    return (residual ** 2).mean(dim=0)
'''
    renamed = "def loss(a, b, c):\n    r = a * c - b  # error\n\n\n    return (r**2).mean(  dim = 0 )\n"
    other_api = "def loss(a, b, c):\n    r = a * c - b\n    return (r ** 2).sum(dim=0)\n"
    other_keyword = "def loss(a, b, c):\n    r = a * c - b\n    return (r ** 2).mean(axis=0)\n"
    assert normalise(written)[0] == normalise(renamed)[0]
    assert normalise(written)[0] != normalise(other_api)[0]
    assert normalise(written)[0] != normalise(other_keyword)[0]
    tokens, spans = normalise(written)
    assert len(tokens) == len(spans) and [written[a:b] for a, b in spans][:3] == ["def", "cost", "("]


def test_code_the_tokenizer_cannot_finish_is_compared_as_far_as_it_reads():
    broken = _independent("linear_model")["solution"] + "\ndef unfinished(x:\n    return (x\n"
    tokens, _ = normalise(broken)
    assert len(tokens) > len(normalise(_independent("linear_model")["solution"])[0]) - 5
    report = compare([Module("a", "linear_model", broken),
                      Module("b", "linear_model", _independent("linear_model")["solution"])], ["linear_model"])
    assert report.pairs[0].flagged


def test_modules_are_read_as_bytes_within_the_limits_and_what_cannot_be_read_is_noted(tmp_path):
    root = _students(tmp_path, {"alice": {"linear_model": _independent("linear_model")["solution"]}})
    (root / "bob").mkdir()
    (root / "bob" / "linear_model.py").write_bytes(b"\xff\xfe\x00 not text")
    (root / "carol").mkdir()
    (root / "carol" / "linear_model.py").write_bytes(b"x = 1\n" * (MAX_MODULE_BYTES // 6 + 1))
    (root / "dave").mkdir()
    (root / "dave" / "linear_model.py").write_bytes("# -*- coding: latin-1 -*-\nname = 'café'\n".encode("latin-1"))
    with zipfile.ZipFile(root / "erin.zip", "w") as archive:
        archive.writestr("erin/linear_model.py", "import os\nos.system('rm -rf /')\n")
    folder_with_symlink(root / "frank")
    zip_slip(root / "gina.zip")
    sources = [(p.stem if p.suffix == ".zip" else p.name, p) for p in sorted(root.iterdir())]
    modules, notes = read_modules(sources, ["linear_model", "mlp"], Limits())
    texts = {m.student: m.text for m in modules}
    assert sorted(texts) == ["alice", "dave", "erin"]
    assert "café" in texts["dave"] and "rm -rf" in texts["erin"]  # read as text, never run
    assert any(n.startswith("bob's linear_model.py: not compared, its bytes are not text") for n in notes)
    assert any(n.startswith("carol's linear_model.py: not compared, larger than 256 KB") for n in notes)
    assert any(n.startswith("frank: not compared, the submission was rejected: it holds a link") for n in notes)
    assert any(n.startswith("gina: not compared, the submission was rejected") for n in notes)
    assert len(notes) == 4  # a module a student did not submit (mlp) is no note


def test_the_similar_command_library_call_compares_a_folder_and_says_what_is_wrong(tmp_path):
    solution = _independent("linear_model")["solution"]
    root = _students(tmp_path, {"alice": {"linear_model": solution}, "bob": {"linear_model": disguised(solution, 1)},
                                "carol": {"linear_model": _independent("linear_model")["correct_notes_loops"]}})
    (root / "notes.txt").write_text("grade by Friday")
    report, skipped = find_similar(root, ["linear_model"], Limits())
    assert [p.students for p in report.flagged] == [("alice", "bob")]
    assert skipped == ["notes.txt: not a folder or a .zip archive"]
    assert report.exercises == ["linear_model"]
    with pytest.raises(UsageError, match="Did you mean 'linear_model'"):
        find_similar(root, ["linear_mdel"], Limits())
    with pytest.raises(UsageError, match="No submissions folder"):
        find_similar(tmp_path / "nowhere", [], Limits())


class _Page(HTMLParser):
    """The elements and text of a page, as a browser's parser reads them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)


def _hostile_report():
    solution = _independent("linear_model")["solution"]
    return compare([Module(HOSTILE_NAME, "linear_model", HOSTILE_CODE + solution),
                    Module("bob", "linear_model", disguised(solution, 2) + HOSTILE_CODE)], ["linear_model"])


@pytest.mark.parametrize("page", ["similarity page", "class report"])
def test_a_hostile_name_and_module_stay_inert_text_in_the_html(page):
    report = _hostile_report()
    assert report.flagged
    if page == "class report":
        html = render_class_report([_run(HOSTILE_NAME, "a" * 64), _run("bob", "b" * 64)], lambda s: "x", report)
    else:
        html = render_similarity_report(report)
    parsed = _Page(html)
    assert not {"script", "img", "iframe", "object"} & set(parsed.tags)
    assert not [name for name, _ in parsed.attributes if name.startswith("on")]
    text = "".join(parsed.text)
    assert "<script>alert('name')</script><U+202E>=cmd" in text  # the name, shown and made visible
    assert '"</pre><script>alert(1)</script><img src=x onerror=alert(2)>"' in text  # the module, as text
    assert "\u202e" not in text and "\x1b" not in text and "<U+202E>" in text and "\\x1b[2J" in text
    assert parsed.tags.count("mark") >= 2 and parsed.tags.count("pre") == 2  # both sides, the matches marked


def test_the_similarity_csv_lists_every_pair_with_names_neutralised_and_never_a_formula():
    solution = _independent("linear_model")["solution"]
    report = compare([Module('=HYPERLINK("http://evil")', "linear_model", solution),
                      Module("@SUM(A1)\u202e", "linear_model", disguised(solution, 3)),
                      Module("carol", "linear_model", _independent("linear_model")["correct_notes_loops"])],
                     ["linear_model"])
    rows = list(csv.DictReader(io.StringIO(similarity_csv(report))))
    assert len(rows) == len(report.pairs) == 3
    first = rows[0]
    assert (first["student"], first["other_student"]) == ("'=HYPERLINK(\"http://evil\")", "'@SUM(A1)<U+202E>")
    assert first["flagged"] == "yes" and float(first["score"]) >= THRESHOLD
    assert [row["flagged"] for row in rows[1:]] == ["no", "no"]
    assert not [cell for row in rows for cell in row.values() if cell[:1] in ("=", "+", "-", "@")]


def _run(student: str, content_hash: str, status: str = "graded", points: float = 1.0) -> Run:
    result = RunResult(submission=student, started_at="2026-01-01T00:00:00+00:00", duration_s=1.0, grader_version="t",
                       seed=1, include_hidden=True, isolation="fork", exercises=[], warnings=[])
    return Run(id=1, batch_id=1, student=student, source=student, content_hash=content_hash, status=status,
               finished_at="2026-01-01T00:00:01+00:00", result=result)


def test_identical_submissions_are_named_in_the_gradebook_exports():
    runs = [_run("alice", "a" * 64), _run("bob", "a" * 64), _run("=cmd", "a" * 64), _run("dave", "d" * 64),
            _run("erin", "e" * 64, "rejected"), _run("fred", "e" * 64, "rejected")]
    assert identical_to(runs) == {"alice": ["bob", "=cmd"], "bob": ["alice", "=cmd"], "=cmd": ["alice", "bob"]}
    rows = {row["student"]: row for row in csv.DictReader(io.StringIO(grades_csv(runs)))}
    assert rows["alice"]["identical_to"] == "bob; =cmd" and rows["'=cmd"]["identical_to"] == "alice; bob"
    assert rows["dave"]["identical_to"] == rows["erin"]["identical_to"] == ""
    document = json.loads(gradebook_json(runs))
    schemas.validate("gradebook", document)
    students = {s["student"]: s for s in document["students"]}
    assert students["bob"]["identical_to"] == ["alice", "=cmd"] and students["dave"]["identical_to"] == []


def test_identical_submissions_are_graded_once_and_each_keeps_its_own_row(grading_pool, tmp_path, monkeypatch):
    solution = (ROOT / "solutions" / "linear_model.py").read_text(encoding="utf-8")
    wrong = (SUBMISSIONS / "linear_model" / "gradient_no_factor_2.py").read_text(encoding="utf-8")
    root = _students(tmp_path, {"alice": {"linear_model": solution}, "bob": {"linear_model": solution},
                                "carol": {"linear_model": wrong}})
    started = []
    grade = grading_pool.grade
    monkeypatch.setattr(grading_pool, "grade", lambda jobs: grade(started.append(job.key) or job for job in jobs))
    out = tmp_path / "out"
    request = BatchRequest(root, out, exercises=["linear_model"], seed=5, limits=Limits(call_timeout_s=10))
    summary = grade_batch(request, pool=grading_pool)
    assert sorted(started) == ["alice", "carol"] and summary.statuses == {"graded": 3}
    book = Gradebook(out / FILE_NAME)
    runs = {run.student: run for run in book.latest_runs()}
    book.close()
    assert {s: r.result.points for s, r in runs.items()} == {"alice": 12.0, "bob": 12.0, "carol": 7.0}
    assert runs["bob"].result.submission == "bob" and runs["bob"].content_hash == runs["alice"].content_hash
    rows = {row["student"]: row for row in csv.DictReader((out / "grades.csv").open(encoding="utf-8"))}
    assert (rows["alice"]["identical_to"], rows["bob"]["identical_to"], rows["carol"]["identical_to"]) == \
        ("bob", "alice", "")
    pairs = list(csv.DictReader((out / "similarity.csv").open(encoding="utf-8")))
    assert [(p["student"], p["other_student"], p["flagged"]) for p in pairs][0] == ("alice", "bob", "yes")
    assert summary.similar_pairs == sum(p["flagged"] == "yes" for p in pairs) >= 1
    text = "".join(_Page((out / "report.html").read_text(encoding="utf-8")).text)
    assert "Identical submissions" in text and "identical to bob" in text and "Similar submissions" in text

    shutil.copytree(root / "alice", root / "dave")  # handed in late, the same again
    started.clear()
    again = grade_batch(BatchRequest(root, out, exercises=["linear_model"], resume=True), pool=grading_pool)
    assert started == [] and again.statuses == {"graded": 1} and again.already_graded == 3
    book = Gradebook(out / FILE_NAME)
    assert [run.result.points for run in book.history("dave")] == [12.0]
    book.close()


def test_the_similar_command_writes_the_page_and_the_csv_and_exits_2_on_a_usage_error(tmp_path):
    solution = _independent("linear_model")["solution"]
    root = _students(tmp_path, {"alice": {"linear_model": solution}, "bob": {"linear_model": disguised(solution, 4)}})
    runner = CliRunner()
    run = runner.invoke(main, ["similar", str(root), "--out", str(tmp_path / "out"), "--exercise", "linear_model"],
                        env={"COLUMNS": "200"})
    assert run.exit_code == 0, run.output
    assert "1 pair flagged" in run.output and "alice" in run.output
    assert "Similar submissions" in "".join(_Page((tmp_path / "out" / "similarity.html").read_text()).text)
    assert (tmp_path / "out" / "similarity.csv").read_text().splitlines()[1].startswith("linear_model,alice,bob,")
    unknown = runner.invoke(main, ["similar", str(root), "--exercise", "resnt"])
    assert unknown.exit_code == 2 and "Did you mean 'resnet'" in unknown.output
