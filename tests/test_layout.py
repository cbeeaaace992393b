"""The trust boundary, read from the code: who may import what (parsed, never grepped).

``grader/worker/`` runs next to student code and may import nothing of the grader but
``grader.shared``; nothing outside it imports ``grader.worker``; ``grader.shared`` imports
only itself. Strings that name a module (``python -m grader.worker.zygote``) are not imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GRADER = ROOT / "grader"


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """Every module ``path`` imports, absolute, with its line (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            # ``from grader import worker`` imports a subpackage: each name may be a module
            found += [(node.lineno, f"{name}.{alias.name}") for alias in node.names if within(name, "grader")]
    return found


def grader_modules(under: Path = GRADER) -> list[Path]:
    return sorted(p for p in under.rglob("*.py") if "__pycache__" not in p.parts)


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def violations(path: Path, root: Path = ROOT) -> list[str]:
    """The imports of ``path`` that cross the boundary, as ``file:line imports name``."""
    me = module_name(path, root)
    bad = []
    for line, name in imported(path, root):
        if not within(name, "grader"):
            continue
        if within(me, "grader.worker"):
            allowed = within(name, "grader.worker") or within(name, "grader.shared") or name == "grader"
        elif within(me, "grader.shared"):
            allowed = within(name, "grader.shared") or name == "grader"
        else:
            allowed = not within(name, "grader.worker")
        if not allowed:
            bad.append(f"{path.relative_to(root)}:{line} imports {name}")
    return bad


def test_no_module_crosses_the_trust_boundary() -> None:
    found = [v for path in grader_modules() for v in violations(path)]
    assert not found, "\n".join(found)


def test_the_worker_and_the_shared_code_exist_where_the_rule_expects_them() -> None:
    assert (GRADER / "worker" / "serve.py").is_file() and (GRADER / "shared" / "wire.py").is_file()
    assert len(grader_modules(GRADER / "worker")) > 10 and len(grader_modules(GRADER / "shared")) > 5


@pytest.mark.parametrize(("where", "source", "crossing"), [
    ("grader/check/x.py", "from grader.worker.sandbox import sweep\n", "grader.worker.sandbox"),
    ("grader/check/x.py", "import grader.worker.probes\n", "grader.worker.probes"),
    ("grader/check/x.py", "from grader import worker\n", "grader.worker"),
    ("grader/judge/x.py", "def f():\n    from grader.worker.probes.bench import run\n", "grader.worker.probes.bench"),
    ("grader/worker/x.py", "from grader.judge import expect\n", "grader.judge"),
    ("grader/worker/x.py", "from ..check.launcher import Worker\n", "grader.check.launcher"),
    ("grader/worker/probes/x.py", "from ... import catalog\n", "grader.catalog"),
    ("grader/shared/x.py", "from grader.results import RunResult\n", "grader.results"),
    ("grader/shared/x.py", "from grader.worker import context\n", "grader.worker"),
])
def test_the_boundary_test_sees_each_way_across(tmp_path: Path, where: str, source: str, crossing: str) -> None:
    """Each kind of crossing is reported (absolute, relative, nested in a function, a subpackage by name)."""
    fake = tmp_path / where
    fake.parent.mkdir(parents=True)
    fake.write_text(source)
    found = violations(fake, tmp_path)
    assert any(v.endswith(f"imports {crossing}") for v in found), found


@pytest.mark.parametrize(("where", "source"), [
    ("grader/worker/x.py", "from grader.shared.wire import encode\nfrom grader.worker import sandbox\n"),
    ("grader/check/x.py", "import subprocess\nsubprocess.run(['python', '-m', 'grader.worker.zygote'])\n"),
    ("grader/shared/x.py", "from grader.shared import speed\nimport torch\n"),
])
def test_what_stays_on_its_side_is_not_reported(tmp_path: Path, where: str, source: str) -> None:
    fake = tmp_path / where
    fake.parent.mkdir(parents=True)
    fake.write_text(source)
    assert violations(fake, tmp_path) == []
