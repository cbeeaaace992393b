"""The fast tier: tests that start processes are marked slow by their fixtures, and an unmarked one cannot start any."""

from __future__ import annotations

import ast
import multiprocessing.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROCESS_FIXTURES, pytest_collection_modifyitems

TESTS = Path(__file__).resolve().parents[1]
REFUSED = "starts a process but is not marked slow"


def fixtures_of_the_tests() -> dict[tuple[str, str], set[str]]:
    """Every fixture defined under tests/, as (name, file), with the fixtures it requests."""
    found: dict[tuple[str, str], set[str]] = {}
    for path in sorted(TESTS.rglob("*.py")):
        relative = path.relative_to(TESTS)
        if "submissions" in relative.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any("fixture" in ast.unparse(d) for d in node.decorator_list):
                found.setdefault((node.name, relative.as_posix()), set()).update(a.arg for a in node.args.args)
    return found


def test_each_fixture_listed_as_starting_a_process_is_defined_where_the_list_says_and_nowhere_else():
    defined: dict[str, list[str]] = {}
    for name, file in fixtures_of_the_tests():
        if name in PROCESS_FIXTURES:
            defined.setdefault(name, []).append(file)
    # A fixture of the same name elsewhere would mark every test using it slow: give it another name.
    assert {name: tuple(sorted(files)) for name, files in defined.items()} == \
        {name: tuple(sorted(files)) for name, files in PROCESS_FIXTURES.items()}


def test_every_fixture_built_on_one_that_starts_a_process_is_listed_too():
    unlisted = {(name, file) for (name, file), requests in fixtures_of_the_tests().items()
                if requests & PROCESS_FIXTURES.keys() and name not in PROCESS_FIXTURES}
    assert unlisted == set()


class Item:
    """Just what the marking hook reads of a collected test."""

    def __init__(self, *fixturenames: str) -> None:
        self.fixturenames = fixturenames
        self.markers: list[str] = []

    def add_marker(self, marker) -> None:
        self.markers.append(marker.name)


def test_a_test_using_a_fixture_that_starts_a_process_is_marked_slow_and_others_are_not():
    direct, through, plain = Item("tmp_path", "launcher"), Item("worker", "launcher", "tmp_path"), Item("tmp_path")
    pytest_collection_modifyitems([direct, through, plain])
    assert (direct.markers, through.markers, plain.markers) == (["slow"], ["slow"], [])


def test_an_unmarked_test_cannot_start_a_subprocess():
    with pytest.raises(pytest.fail.Exception, match=REFUSED):
        subprocess.run(["true"], check=False)
    with pytest.raises(pytest.fail.Exception, match=REFUSED):
        os.system("true")


def test_an_unmarked_test_cannot_fork():
    with pytest.raises(pytest.fail.Exception, match=REFUSED):
        if os.fork() == 0:  # only where the guard failed
            os._exit(0)


def test_an_unmarked_test_cannot_spawn_an_interpreter_as_multiprocessing_does():
    with pytest.raises(pytest.fail.Exception, match=f"test_tiers.py::{sys._getframe().f_code.co_name} {REFUSED}"):
        multiprocessing.util.spawnv_passfds(sys.executable, [sys.executable, "-c", "pass"], ())
