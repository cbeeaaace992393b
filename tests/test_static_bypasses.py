"""Ways round the trusted-side reading that a student who has read ``grader/judge/static.py`` would try: each is caught."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from grader.checks.test_encoding import FORBIDDEN
from grader.judge import static

API = tuple(FORBIDDEN)


def _reach(tmp_path: Path, source: str) -> static.Reach:
    (tmp_path / "encoding.py").write_text(textwrap.dedent(source))
    return static.reach(tmp_path, "encoding", ["one_hot"])


def _caught(reach: static.Reach) -> list[str]:
    return [f.api for f in reach.uses(API)] + [f.api for f in reach.opaque(API)]


@pytest.mark.parametrize("source", [
    # getattr handed on as a value, not called with a constant name
    "import functools\nimport torch.nn.functional as F\n"
    "def one_hot(t, n):\n    return functools.reduce(getattr, ['one_hot'], F)(t, n)\n",
    "import torch.nn.functional as F\ndef one_hot(t, n):\n    return next(map(getattr, [F], ['one_hot']))(t, n)\n",
    # a chain of aliases longer than the reading follows
    "import torch.nn.functional as F\na0 = F.one_hot\n" + "".join(f"a{i + 1} = a{i}\n" for i in range(60))
    + "def one_hot(t, n):\n    return a60(t, n)\n",
    # the same function reached through another module of torch that imported it
    "import torch\noh = torch.nn.modules.loss.F.one_hot\ndef one_hot(t, n):\n    return oh(t, n)\n",
    # a name looked up at run time by the standard library
    "import pydoc\ndef one_hot(t, n):\n    return pydoc.locate('torch.nn.functional.one_hot')(t, n)\n",
    "import pkgutil\ndef one_hot(t, n):\n    return pkgutil.resolve_name('torch.nn.functional:one_hot')(t, n)\n",
    # torch's own switches for the modes the worker records calls with
    "import torch.utils._python_dispatch as d\nimport torch.nn.functional as F\n"
    "def one_hot(t, n):\n    d._pop_mode()\n    return F.relu(t)\n",
    # a star import
    "from torch.nn.functional import *\ndef one_hot(t, n):\n    return globals()['one_hot'](t, n)\n",
])
def test_a_way_round_the_reading_is_caught(tmp_path, source):
    assert _caught(_reach(tmp_path, source))


def test_a_star_import_of_the_forbidden_name_is_caught(tmp_path):
    reach = _reach(tmp_path, "from torch.nn.functional import *\n\n\ndef enc(t, n):\n    return one_hot(t, n)\n"
                             "\n\ndef one_hot_along(t, n, d):\n    return enc(t, n)\n")
    assert _caught(static.reach(tmp_path, "encoding", ["one_hot_along"]))
    assert reach is not None


@pytest.mark.parametrize("padding", ["deep", "large"])
def test_a_module_too_deep_or_too_large_to_read_is_not_vouched_for(tmp_path, padding):
    body = "    x = 1" + "+1" * 150_000 + "\n" if padding == "deep" else "    x = 1\n" + "#" * 1_100_000 + "\n"
    reach = _reach(tmp_path, "import torch.nn.functional as F\n\ndef one_hot(t, n):\n" + body
                   + "    return F.one_hot(t, n)\n")
    assert _caught(reach), "an unreadable module must not pass as clean"


def test_a_submission_padded_past_the_reading_budget_is_not_vouched_for(tmp_path):
    for i in range(4):  # each under the per-file limit, together close to the budget
        (tmp_path / f"a{i}.py").write_text("x = 1\n" + "#" * 950_000 + "\n")
    (tmp_path / "zz.py").write_text("import torch.nn.functional as F\noh = F.one_hot\n" + "#" * 300_000 + "\n")
    reach = _reach(tmp_path, "from zz import oh\n\ndef one_hot(t, n):\n    return oh(t, n)\n")
    assert "zz" in reach.submission.unread  # the grader's own process parses at most MAX_TOTAL_BYTES
    assert _caught(reach)
