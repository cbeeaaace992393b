"""Every probe the trusted side asks a worker for exists: probe names are checked here, read from the code.

A check names a probe with a string (``student.probe("resnet.train", ...)``); a typo would
only fail when that check runs, as a grader error. This test reads every call on the trusted
side (parsed, not imported) and fails on a name no probe module registers, or on a probe
named by something that is not a string literal, which no reading could check.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GRADER = ROOT / "grader"
#: Functions that take a probe's name, and the position of that argument: ``Student.probe(name, ...)``,
#: ``Worker.call(name, timeout, ...)`` (called on a worker), and the kit's helpers that pass one on.
SENDERS = {"probe": 0, "check_sgd_training": 1}
#: Where a probe name is passed on rather than chosen (the senders themselves, and stand-ins for them).
FORWARDERS = {"grader/judge/core.py", "grader/check/plugin.py", "grader/judge/training.py"}


def probe_calls(path: Path) -> list[tuple[int, ast.expr]]:
    """The probe-name argument of each call of a sender in ``path``, with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        on_a_worker = (isinstance(func, ast.Attribute) and name == "call"
                       and "worker" in ast.unparse(func.value).lower())
        index = 0 if on_a_worker else SENDERS.get(name or "")
        if index is not None and len(node.args) > index:
            found.append((node.lineno, node.args[index]))
    return found


def registered() -> set[str]:
    from grader.worker.probes import load_all

    return set(load_all())


def trusted_files() -> list[Path]:
    return sorted(p for p in GRADER.rglob("*.py") if "worker" not in p.relative_to(GRADER).parts[:1])


def test_every_probe_named_on_the_trusted_side_is_registered() -> None:
    names = registered()
    unknown, checked = [], 0
    for path in trusted_files():
        for line, arg in probe_calls(path):
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and "." in arg.value:
                checked += 1
                if arg.value not in names:
                    unknown.append(f"{path.relative_to(ROOT)}:{line} asks for a probe {arg.value!r}")
    assert checked > 50, checked  # the checks name probes this way throughout
    assert not unknown, "\n".join(unknown) + f"\nregistered: {sorted(names)}"


def test_probes_are_named_by_literals_where_they_are_chosen() -> None:
    computed = []
    for path in trusted_files():
        where = str(path.relative_to(ROOT))
        for line, arg in probe_calls(path):
            if isinstance(arg, ast.Constant):
                continue
            if not (where in FORWARDERS and isinstance(arg, ast.Name)):
                computed.append(f"{where}:{line} names a probe with {ast.unparse(arg)}")
    assert not computed, "\n".join(computed)


@pytest.mark.parametrize("source", ['student.probe("resnet.trian", what="x")', 'worker.call("comon.call", 10)'])
def test_a_misspelt_probe_is_caught(tmp_path: Path, source: str) -> None:
    path = tmp_path / "test_x.py"
    path.write_text(source + "\n")
    (line, arg), = probe_calls(path)
    assert isinstance(arg, ast.Constant) and arg.value not in registered()
