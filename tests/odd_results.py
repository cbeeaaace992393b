"""Submissions whose every object returns the same odd value, made from the stubs, for tests.

Each stub's functions and methods get a body that returns the value (a class's ``__init__``
calls its base and, for a module, holds one parameter), so every check meets a result it
did not expect: ``None``, a list, a tensor of another shape or dtype, NaN, a subclass...
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: What every object returns, as source, by variant name.
ODD_VALUES = {
    "none": "None",
    "an_int": "3",
    "a_list": "[1.0, 2.0]",
    "a_string": "'a string'",
    "a_scalar": "torch.tensor(0.5)",
    "wrong_shape_float64": "torch.zeros(2, 3, 5, dtype=torch.float64)",
    "nan": "torch.full((4, 2), float('nan'))",
    "a_subclass": "_Odd(torch.ones(4, 2))",
    "a_module": "torch.nn.Linear(2, 2)",
    "raises": "(_ for _ in ()).throw(ValueError('odd'))",
}

_PRELUDE = '''
import torch


class _Odd(torch.Tensor):
    """A tensor subclass: what a student's code may hand back by accident."""
'''


class _ReturnOdd(ast.NodeTransformer):
    def __init__(self, value: str) -> None:
        self.value = ast.parse(value, mode="eval").body
        self.in_class: list[ast.ClassDef] = []

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.ClassDef:
        self.in_class.append(node)
        self.generic_visit(node)
        self.in_class.pop()
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        if self.in_class and node.name == "__init__":
            body = "super().__init__()\n" if self.in_class[-1].bases else "pass\n"
            if any(ast.unparse(b).endswith("Module") for b in self.in_class[-1].bases):
                body += "self.weight = torch.nn.Parameter(torch.zeros(2, 2))\n"
            node.body = ast.parse(body).body
        else:
            node.body = [ast.Return(value=self.value)]
        return node


def odd_submission(folder: Path, variant: str) -> Path:
    """A folder holding every exercise's module, each object returning ``ODD_VALUES[variant]``."""
    folder.mkdir(parents=True, exist_ok=True)
    for stub in sorted((ROOT / "exercises").glob("*.py")):
        tree = _ReturnOdd(ODD_VALUES[variant]).visit(ast.parse(stub.read_text()))
        after = next((i for i, node in enumerate(tree.body) if not _is_future_or_docstring(node)), len(tree.body))
        tree.body[after:after] = ast.parse(_PRELUDE).body
        (folder / stub.name).write_text(ast.unparse(ast.fix_missing_locations(tree)) + "\n")
    return folder


def _is_future_or_docstring(node: ast.stmt) -> bool:
    return (isinstance(node, ast.ImportFrom) and node.module == "__future__") or \
        (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str))
