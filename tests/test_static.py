"""The trusted-side reading of a submission (``grader.judge.static``): it sees through aliases, and flags what it cannot."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from grader.checks.test_encoding import FORBIDDEN
from grader.checks.test_linear_model import AUTOGRAD_APIS
from grader.judge import static

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = ROOT / "tests" / "submissions"
#: exercise -> (the functions a property check reads, the APIs they must not reach, whether they must turn grad off)
READ: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]] = {
    "encoding": (("one_hot", "one_hot_along"), tuple(FORBIDDEN), False),
    "linear_model": (("gradient",), tuple(AUTOGRAD_APIS), False),
    "thermometer": (("grad_fn", "training_loop"), tuple(AUTOGRAD_APIS), False),
    "evaluation": (("validate",), (), True),
    "train_step": (("test_step",), (), True),
    "autograd_training": (("training_loop",), (), True),
}


def _folder(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    return tmp_path


def _uses(tmp_path: Path, files: dict[str, str], function: str, apis: tuple[str, ...]) -> list[static.Finding]:
    module = next(iter(files)).removesuffix(".py")
    return static.reach(_folder(tmp_path, files), module, [function]).uses(apis)


@pytest.mark.parametrize("source", [
    "import torch.nn.functional as F\ndef one_hot(t, n):\n    return F.one_hot(t, n)\n",
    "from torch.nn import functional\ndef one_hot(t, n):\n    return functional.one_hot(t, n)\n",
    "from torch.nn.functional import one_hot as oh\ndef one_hot(t, n):\n    return oh(t, n)\n",
    "import torch\noh = torch.nn.functional.one_hot\ndef one_hot(t, n):\n    return oh(t, n)\n",
    "import torch.nn.functional as F\ndef one_hot(t, n):\n    return getattr(F, 'one_hot')(t, n)\n",
    "import torch\ndef one_hot(t, n, _f=torch.nn.functional.one_hot):\n    return _f(t, n)\n",
])
def test_a_forbidden_api_is_found_through_every_alias(tmp_path, source):
    found = _uses(tmp_path, {"encoding.py": source}, "one_hot", tuple(FORBIDDEN))
    assert [f.api for f in found][:1] == ["torch.nn.functional.one_hot"]
    assert all(f.file == "encoding.py" and f.line > 0 for f in found)


def test_a_forbidden_api_reached_through_a_second_module_is_found_with_its_file_and_line(tmp_path):
    found = _uses(tmp_path, {
        "encoding.py": "import helpers as h\ndef one_hot(t, n):\n    return h.encode(t, n)\n",
        "helpers.py": "from shortcuts import oh\n\ndef encode(t, n):\n    return oh(t, n)\n",
        "shortcuts.py": "import torch.nn.functional as F\noh = F.one_hot\n",
    }, "one_hot", tuple(FORBIDDEN))
    assert ("shortcuts.py", 2) in {(f.file, f.line) for f in found}


@pytest.mark.parametrize("source, api", [
    ("from torch.autograd import grad as g\ndef gradient(xs, ys, w):\n    return g(((xs * w - ys) ** 2).mean(), w)[0]\n",
     "torch.autograd.grad"),
    ("import torch.autograd as ag\ndef gradient(xs, ys, w):\n    return ag.grad(((xs * w - ys) ** 2).mean(), w)[0]\n",
     "torch.autograd.grad"),
    ("def gradient(xs, ys, w):\n    w = w.clone().requires_grad_()\n    ((xs * w - ys) ** 2).mean().backward()\n"
     "    return w.grad\n", "torch.Tensor.backward"),
    ("import torch.func\ndef gradient(xs, ys, w):\n    return torch.func.grad(lambda v: ((xs * v - ys) ** 2).mean())(w)\n",
     "torch.autograd.grad"),
])
def test_autograd_is_found_by_import_alias_and_by_method_name(tmp_path, source, api):
    found = _uses(tmp_path, {"linear_model.py": source}, "gradient", tuple(AUTOGRAD_APIS))
    assert api in {f.api for f in found}, found


def test_code_the_function_cannot_reach_is_not_held_against_it(tmp_path):
    found = _uses(tmp_path, {"linear_model.py": "import torch\ndef gradient(xs, ys, w):\n    return 2 * (xs * (xs * w - ys)).mean()\n"
                             "def unrelated(loss):\n    loss.backward()\n"}, "gradient", tuple(AUTOGRAD_APIS))
    assert found == []


@pytest.mark.parametrize("line, construct", [
    ("f = getattr(F, 'one_' + 'hot')", "getattr() with a computed name"),
    ("f = vars(F)['one_hot']", "vars()"),
    ("f = F.__dict__['one_hot']", "__dict__"),
    ("import sys; f = sys.modules['torch.nn.functional'].one_hot", "sys.modules"),
    ("import importlib; f = importlib.import_module('torch.nn.functional').one_hot", "importlib.import_module"),
    ("f = eval('F.one_hot')", "eval()"),
    ("import torch; f = torch._C._nn.one_hot", "torch._C._nn.one_hot"),
    ("import grader.worker.watch as w; w.watching = None", "an assignment to grader.worker.watch.watching"),
    ("from grader.worker.probes import PROBES; PROBES['common.call'] = None", "an assignment to grader.worker.probes.PROBES"),
    ("import sys; f = sys._getframe(1).f_globals['F'].one_hot", "_getframe"),
    ("import torch; torch.is_grad_enabled = lambda: False", "an assignment to torch.is_grad_enabled"),
])
def test_a_construct_the_reading_cannot_see_through_is_reported(tmp_path, line, construct):
    folder = _folder(tmp_path, {"encoding.py": f"import torch.nn.functional as F\n{line}\n"
                                               "def one_hot(t, n):\n    return f(t, n)\n"})
    found = static.reach(folder, "encoding", ["one_hot"]).opaque(static.GRAD_MODE)
    assert construct in {f.api for f in found}, found


def test_patching_an_api_the_property_does_not_concern_is_not_a_finding(tmp_path):
    folder = _folder(tmp_path, {"linear_model.py": "import torch\ntorch.allclose = lambda *a, **k: True\n"
                                                   "def gradient(xs, ys, w):\n    return xs\n"})
    assert static.reach(folder, "linear_model", ["gradient"]).opaque(AUTOGRAD_APIS) == []


def test_grad_off_is_found_in_a_helper_as_a_context_manager_or_a_decorator(tmp_path):
    folder = _folder(tmp_path, {
        "evaluation.py": "import torch\nfrom helpers import score\ndef validate(model, loaders, device='cpu'):\n"
                         "    return score(model, loaders)\n",
        "helpers.py": "import torch\n@torch.no_grad()\ndef score(model, loaders):\n    return {}\n",
    })
    assert [f.api for f in static.reach(folder, "evaluation", ["validate"]).turns_grad_off()] == ["torch.no_grad"]
    (tmp_path / "helpers.py").write_text("import torch\ndef score(model, loaders):\n"
                                         "    with torch.set_grad_enabled(True):\n        return {}\n")
    assert static.reach(folder, "evaluation", ["validate"]).turns_grad_off() == []


def _correct_sources() -> list[tuple[str, Path]]:
    found = [(exercise, ROOT / "solutions" / f"{exercise}.py") for exercise in READ]
    for exercise in READ:
        found += [(exercise, path) for path in sorted((SUBMISSIONS / exercise).glob("correct_*.py"))]
    return found


@pytest.mark.parametrize("exercise, source", _correct_sources(), ids=lambda v: getattr(v, "stem", v))
def test_no_correct_submission_or_reference_is_flagged(tmp_path, exercise, source):
    shutil.copy(source, tmp_path / f"{exercise}.py")
    functions, apis, grad_off = READ[exercise]
    read = static.reach(tmp_path, exercise, functions)
    assert read.uses(apis) == []
    assert read.opaque((*apis, *(static.GRAD_MODE if grad_off else ()))) == []
    assert bool(read.turns_grad_off()) or not grad_off


def test_only_what_can_reach_the_graders_objects_counts_as_tampering(tmp_path):
    folder = _folder(tmp_path, {"linear_model.py": "import ctypes\nimport grader.worker.probes as p\nimport torch\n"
                                                   "def gradient(xs, ys, w, name='mean'):\n"
                                                   "    return getattr(torch, name)(p.PROBES and xs)\n"
                                                   "def forward(x, w):\n    return ctypes.string_at(0)\n"})
    read = static.reach(folder, "linear_model", ["gradient"])
    assert {f.api for f in read.opaque()} == {"grader.worker.probes", "grader.worker.probes.PROBES",
                                              "getattr() with a computed name"}
    assert {f.api for f in read.tampering()} == {"grader.worker.probes", "grader.worker.probes.PROBES"}


def test_a_module_too_large_to_read_makes_the_code_that_imports_it_opaque(tmp_path):
    folder = _folder(tmp_path, {"encoding.py": "from big import encode\ndef one_hot(t, n):\n    return encode(t, n)\n"})
    (folder / "big.py").write_text("x = 1\n" * (static.MAX_FILE_BYTES // 6 + 1))
    found = static.reach(folder, "encoding", ["one_hot"]).opaque()
    assert [(f.line, f.api) for f in found] == [(1, "big.py, a file too large to read")]
