"""Grading one submission: ``run`` (run the checks), ``plugin``, ``session``, ``launcher``.

``grader.check`` names this package, and ``grader.check("resnet")`` is also what a student
types in Jupyter, so the package is callable: the call is :func:`grader.kernel.check`.
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _CallablePackage(types.ModuleType):
    def __call__(self, exercise: str, **options: Any) -> Any:
        from grader.kernel import check

        return check(exercise, **options)


sys.modules[__name__].__class__ = _CallablePackage
