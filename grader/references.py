"""Where the grader's own files are, and where the reference solutions come from: the one place that knows.

In the course's grader the references are the ``solutions`` package beside ``grader``; in a
students' copy (``grader bundle``) there is no ``solutions`` and the public checks' questions
to the references are answered from recorded fixtures (``golden_data``, see
:mod:`grader.bundle.golden`).
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

GRADER_DIR = Path(__file__).resolve().parent
PROJECT_DIR = GRADER_DIR.parent
#: The checks, one ``test_<exercise>.py`` each.
CHECKS_DIR = GRADER_DIR / "checks"
#: Where a students' copy keeps the references' recorded answers (absent in the full project).
GOLDEN_DIR = GRADER_DIR / "golden_data"


@functools.cache
def solutions_dir() -> Path | None:
    """The reference solutions' folder, or ``None`` in a students' copy of the grader, which ships none.

    Found without importing them: importing ``solutions`` runs nothing of a reference, but the
    grader's process should not hold what it never runs.
    """
    spec = importlib.util.find_spec("solutions")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))).resolve()
