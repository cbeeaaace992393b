"""Golden fixtures: the reference solutions' answers, recorded once, replayed where they are absent.

Students get a copy of the grader without ``solutions/`` (see :mod:`grader.bundle.build`). Its
public checks still ask ``reference.one_hot(...)`` or ``reference.Net()(x)`` for what is
expected, through the one seam by which checks reach a reference
(:func:`grader.judge.reference_of`); there, the seam answers from fixtures recorded by running
the public checks against the references at bundle time (:func:`answer`).

Each call is keyed by a fingerprint of everything the reference could read: its arguments
(tensors by dtype, shape and bytes; modules by their state), and the global torch RNG
state when the call drew from it. A call records its result, what it changed in its
arguments (a training loop trains the model it is given), the RNG state it left, and, when
its result is differentiable, the gradients it passes back for each upstream gradient the
checks used. Modules the references build are replayed as :class:`GoldenModule`: the same
parameters and buffers, with a ``forward`` that answers from the fixtures.

Only what the public checks asked is recorded, so a student's copy can answer nothing else:
the hidden checks' inputs (drawn from a per-run seed) are never in it. A call the fixtures
do not hold is a check on the student's own results that differ from the reference's, and
fails as such (:class:`GoldenMiss`).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from grader.judge.core import Verdict
from grader.references import GOLDEN_DIR, solutions_dir

FORMAT_VERSION = 1


class GoldenMiss(Verdict):
    """A reference call the fixtures hold no answer for: the check's inputs came from the student's results."""

    def __init__(self, what: str) -> None:
        super().__init__(
            "failed",
            f"this check compares the reference on values built from your results ({what}), and this copy of "
            "the grader only holds the reference's answers for the reference's own results: yours differ from "
            "the reference's. Fix the checks before this one first; the course's full grader names the difference.",
        )


class Unrecordable(Exception):
    """A value a fixture cannot hold (an open file, a lambda's closure, ...)."""


def references_available() -> bool:
    """Whether the reference solutions can be run here (not in a students' copy, nor while recording)."""
    return _recorder is None and solutions_dir() is not None


# ---------------------------------------------------------------------------- fingerprints


def fingerprint(value: Any) -> str:
    """A digest of everything in ``value`` a reference could read."""
    digest = hashlib.sha256()
    _feed(digest, value)
    return digest.hexdigest()[:32]


def _feed(digest: Any, value: Any) -> None:
    put = lambda *parts: digest.update(("\x1f".join(map(str, parts)) + "\x1e").encode())  # noqa: E731
    if value is None or isinstance(value, (bool, int, str)):
        put(type(value).__name__, repr(value))
    elif isinstance(value, float):
        put("float", value.hex())
    elif isinstance(value, torch.Tensor):
        data = value.detach().cpu().contiguous()
        put("tensor", data.dtype, tuple(data.shape), value.requires_grad)
        digest.update(data.reshape(-1).view(torch.uint8).numpy().tobytes())
    elif isinstance(value, (torch.dtype, torch.device)):
        put(type(value).__name__, value)
    elif isinstance(value, (list, tuple)):
        put(type(value).__name__, len(value))
        for item in value:
            _feed(digest, item)
    elif isinstance(value, dict):
        put("dict", len(value))
        for key, item in value.items():
            _feed(digest, key)
            _feed(digest, item)
    elif isinstance(value, nn.Module):
        put("module", getattr(value, "_golden_id", None) or _qualname(type(value)), value.training)
        _feed(digest, value.state_dict())
        _feed(digest, [p.grad for p in value.parameters()])
    elif isinstance(value, torch.optim.Optimizer):
        overridden = sorted(k for k, v in vars(value).items() if callable(v) and not k.startswith("_"))
        put("optimizer", _qualname(type(value)), overridden)
        _feed(digest, [{k: v for k, v in group.items() if k != "params"} for group in value.param_groups])
    elif isinstance(value, torch.utils.data.DataLoader):
        put("loader", value.batch_size, value.drop_last, _qualname(type(value.sampler)))
        _feed(digest, value.dataset)
    elif isinstance(value, torch.utils.data.TensorDataset):
        _feed(digest, list(value.tensors))
    elif isinstance(value, torch.Generator):
        _feed(digest, value.get_state())
    elif callable(value) and hasattr(value, "__qualname__"):
        put("callable", getattr(value, "_golden_name", None) or _qualname(value))
    elif hasattr(value, "__dict__"):
        put("object", _qualname(type(value)))
        _feed(digest, dict(vars(value)))
    else:
        raise Unrecordable(f"a {type(value).__name__}")


def _qualname(thing: Any) -> str:
    return f"{getattr(thing, '__module__', '?')}.{getattr(thing, '__qualname__', '?')}"


# ---------------------------------------------------------------------------- the store


class Store:
    """The fixtures: an index (JSON) of calls, and the tensors they hold as ``.npy`` files."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.calls: dict[str, Any] = {}
        self.vjps: dict[str, dict[str, Any]] = {}
        self.constants: dict[str, dict[str, Any]] = {}
        self._tensors: dict[str, torch.Tensor] = {}

    @classmethod
    def load(cls, folder: Path) -> Store:
        store = cls(folder)
        index = json.loads((Path(folder) / "index.json").read_text(encoding="utf-8"))
        if index.get("version") != FORMAT_VERSION:
            raise RuntimeError(f"golden fixtures of version {index.get('version')!r}; this grader reads "
                               f"{FORMAT_VERSION}: rebuild the bundle with 'grader bundle'")
        store.calls, store.vjps, store.constants = index["calls"], index["vjps"], index["constants"]
        return store

    def save(self) -> None:
        tensors = self.folder / "tensors"
        tensors.mkdir(parents=True, exist_ok=True)
        for name, tensor in self._tensors.items():
            np.save(tensors / f"{name}.npy", tensor.numpy(), allow_pickle=False)
        index = {"version": FORMAT_VERSION, "calls": self.calls, "vjps": self.vjps, "constants": self.constants}
        (self.folder / "index.json").write_text(json.dumps(index, sort_keys=True), encoding="utf-8")

    # -- values <-> JSON

    def encode(self, value: Any, args: list[Any] | None = None) -> Any:
        """``value`` as JSON, its tensors stored; a module among ``args`` is referred to by position."""
        if value is None or isinstance(value, (bool, int, str)):
            return {"v": value}
        if isinstance(value, float):
            return {"float": value.hex()}
        if isinstance(value, torch.Tensor):
            data = value.detach().cpu().contiguous().clone()
            if data.dtype == torch.bfloat16:
                raise Unrecordable("a bfloat16 tensor")
            name = fingerprint(data)
            self._tensors[name] = data
            return {"tensor": name, "requires_grad": value.requires_grad}
        if isinstance(value, torch.dtype):
            return {"dtype": str(value).removeprefix("torch.")}
        if isinstance(value, torch.Size):
            return {"size": list(value)}
        if isinstance(value, (list, tuple)):
            return {type(value).__name__: [self.encode(v, args) for v in value]}
        if isinstance(value, dict):
            return {"dict": [[self.encode(k), self.encode(v, args)] for k, v in value.items()]}
        if isinstance(value, nn.Module):
            for index, arg in enumerate(args or []):
                if arg is value:
                    return {"arg": index}
            return {"module": self.module_spec(value)}
        raise Unrecordable(f"a {type(value).__name__} result")

    def module_spec(self, module: nn.Module) -> dict[str, Any]:
        params = dict(module.named_parameters())
        return {
            "id": module._golden_id,
            "class": type(module).__name__,
            "training": module.training,
            "entries": [[name, name in params, self.encode(value), bool(name in params and params[name].requires_grad)]
                        for name, value in module.state_dict().items()],
        }

    def decode(self, data: Any, args: list[Any] | None = None) -> Any:
        if "tensor" in data:
            return self.tensor(data["tensor"]).requires_grad_(data["requires_grad"])
        (kind, value), = data.items()
        if kind == "v":
            return value
        if kind == "float":
            return float.fromhex(value)
        if kind == "dtype":
            return getattr(torch, value)
        if kind == "size":
            return torch.Size(value)
        if kind in ("list", "tuple"):
            items = [self.decode(v, args) for v in value]
            return items if kind == "list" else tuple(items)
        if kind == "dict":
            return {self.decode(k): self.decode(v, args) for k, v in value}
        if kind == "arg":
            return (args or [])[value]
        if kind == "module":
            return GoldenModule(self, value)
        raise RuntimeError(f"the golden fixtures hold an unknown kind of value {kind!r}: rebuild the bundle")

    def tensor(self, name: str) -> torch.Tensor:
        if name not in self._tensors:
            array = np.load(self.folder / "tensors" / f"{name}.npy", allow_pickle=False)
            self._tensors[name] = torch.from_numpy(array)
        return self._tensors[name].clone()


# ---------------------------------------------------------------------------- mutation of arguments


def _mutables(args: list[Any]) -> list[tuple[int, Any]]:
    """The arguments a call may change in place: tensors, modules, lists, dicts, plain objects."""
    return [(i, a) for i, a in enumerate(args)
            if isinstance(a, (torch.Tensor, nn.Module, list, dict))
            or (hasattr(a, "__dict__") and not callable(a) and not isinstance(a, (torch.optim.Optimizer,
                                                                                 torch.utils.data.DataLoader)))]


def _state_of(value: Any) -> Any:
    if isinstance(value, nn.Module):
        return {"state": dict(value.state_dict()), "grads": [p.grad for p in value.parameters()],
                "training": value.training}
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, (list, dict)):
        return value
    return dict(vars(value))


def _restore(target: Any, state: Any) -> None:
    with torch.no_grad():
        if isinstance(target, nn.Module):
            target.load_state_dict(state["state"])
            for parameter, grad in zip(target.parameters(), state["grads"]):
                parameter.grad = grad
            target.train(state["training"])
        elif isinstance(target, torch.Tensor):
            target.copy_(state)
        elif isinstance(target, list):
            target[:] = state
        elif isinstance(target, dict):
            target.clear()
            target.update(state)
        else:
            vars(target).update(state)


def _differentiable_inputs(args: list[Any]) -> list[torch.Tensor]:
    found: list[torch.Tensor] = []
    for arg in args:
        if isinstance(arg, torch.Tensor) and arg.requires_grad:
            found.append(arg)
        elif isinstance(arg, nn.Module):
            found.extend(p for p in arg.parameters() if p.requires_grad)
        elif isinstance(arg, (list, tuple)):
            found.extend(_differentiable_inputs(list(arg)))
    return found


# ---------------------------------------------------------------------------- recording


class _Recorder:
    """Records every outermost call the checks make into the references."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.problems: list[str] = []
        self._local = threading.local()

    @contextmanager
    def outermost(self) -> Iterator[bool]:
        depth = getattr(self._local, "depth", 0)
        self._local.depth = depth + 1
        try:
            yield depth == 0
        finally:
            self._local.depth = depth

    def call(self, what: str, function: Callable[..., Any], args: list[Any], kwargs: dict[str, Any]) -> Any:
        with self.outermost() as outermost:
            if not outermost:
                return function(*args, **kwargs)
            try:
                key = fingerprint((what, args, kwargs, torch.is_grad_enabled()))
                before = [(i, fingerprint(v)) for i, v in _mutables(args)]
            except Unrecordable as exc:
                self.problems.append(f"{what}: cannot record an argument ({exc})")
                return function(*args, **kwargs)
            rng_before = torch.get_rng_state()
            result = function(*args, **kwargs)
            rng_after = torch.get_rng_state()
            try:
                result = self._record(what, key, args, kwargs, result, before, rng_before, rng_after)
            except Unrecordable as exc:
                self.problems.append(f"{what}: cannot record ({exc})")
            return result

    def _record(self, what: str, key: str, args: list[Any], kwargs: dict[str, Any], result: Any,
                before: list[tuple[int, str]], rng_before: torch.Tensor, rng_after: torch.Tensor) -> Any:
        store = self.store
        if isinstance(result, nn.Module) and not any(result is a for a in args):
            _make_recorded_module(self, result, f"{what}#{key}")
        mutated = [[i, store.encode(_state_of(args[i]))] for i, digest in before if fingerprint(args[i]) != digest]
        inputs = _differentiable_inputs(args)
        differentiable = (isinstance(result, torch.Tensor) and result.grad_fn is not None and bool(inputs)
                          and torch.is_grad_enabled())
        record = {"what": what, "out": store.encode(result, args), "mutated": mutated,
                  "rng_after": None, "differentiable": differentiable}
        if differentiable:
            result = _RecordVjp.apply(self, key, [result], *inputs)
        if torch.equal(rng_before, rng_after):
            store.calls[key] = record
        else:
            record["rng_after"] = store.encode(rng_after)
            entry = store.calls.setdefault(key, {"by_rng": {}})
            if "by_rng" not in entry:
                self.problems.append(f"{what}: drew random numbers on one call and not on another")
                return result
            entry["by_rng"][fingerprint(rng_before)] = record
        return result

    def attribute(self, exercise: str, name: str) -> Any:
        """The reference's ``name``: callables record their calls, other values are stored as constants."""
        value = getattr(importlib.import_module(f"solutions.{exercise}"), name)
        if not callable(value):
            self.store.constants.setdefault(exercise, {})[name] = self.store.encode(value)
            return value
        return self.wrap(f"{exercise}.{name}", value)

    def wrap(self, what: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            return self.call(what, function, list(args), kwargs)

        recorded._golden_name = what  # type: ignore[attr-defined]
        return recorded


def _make_recorded_module(recorder: _Recorder, module: nn.Module, golden_id: str) -> None:
    """Give ``module`` its fixture identity and make its ``forward`` record its answers."""
    module._golden_id = golden_id
    forward = module.forward

    def recorded_forward(*inputs: Any, **kwargs: Any) -> Any:
        return recorder.call(f"{golden_id}.forward", lambda m, *a, **k: forward(*a, **k), [module, *inputs], kwargs)

    module.forward = recorded_forward


class _RecordVjp(torch.autograd.Function):
    """Passes a reference's result through unchanged, recording the gradients its backward gives."""

    @staticmethod
    def forward(ctx: Any, recorder: _Recorder, key: str, holder: list[torch.Tensor], *inputs: torch.Tensor) -> torch.Tensor:
        ctx.recorder, ctx.key, ctx.result, ctx.inputs = recorder, key, holder[0], inputs
        return holder[0].detach().clone()

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[Any, ...]:
        with torch.enable_grad():
            grads = torch.autograd.grad(ctx.result, ctx.inputs, grad, retain_graph=True, allow_unused=True)
        store = ctx.recorder.store
        store.vjps.setdefault(ctx.key, {})[fingerprint(grad)] = [None if g is None else store.encode(g) for g in grads]
        return (None, None, None, *grads)


_recorder: _Recorder | None = None


@contextmanager
def recording(folder: Path) -> Iterator[_Recorder]:
    """Record, into ``folder``, every call the checks make through the reference seam while the block runs."""
    global _recorder
    recorder = _Recorder(Store(folder))
    _recorder = recorder
    try:
        yield recorder
    finally:
        _recorder = None
    recorder.store.save()


# ---------------------------------------------------------------------------- replay


class _ReplayVjp(torch.autograd.Function):
    """A replayed result whose backward gives the gradients recorded for the same upstream gradient."""

    @staticmethod
    def forward(ctx: Any, store: Store, key: str, what: str, result: torch.Tensor, *inputs: torch.Tensor) -> torch.Tensor:
        ctx.store, ctx.key, ctx.what, ctx.count = store, key, what, len(inputs)
        return result

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[Any, ...]:
        grads = ctx.store.vjps.get(ctx.key, {}).get(fingerprint(grad))
        if grads is None or len(grads) != ctx.count:
            raise GoldenMiss(f"the gradient of {ctx.what}")
        return (None, None, None, None, *[None if g is None else ctx.store.decode(g) for g in grads])


def replay_call(store: Store, what: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """What the reference answered to ``what(*args, **kwargs)``, its effects on the arguments applied."""
    key = fingerprint((what, args, kwargs, torch.is_grad_enabled()))
    entry = store.calls.get(key)
    if entry is not None and "by_rng" in entry:
        entry = entry["by_rng"].get(fingerprint(torch.get_rng_state()))
    if entry is None:
        raise GoldenMiss(what.split("#")[0].rsplit(".", 1)[-1] if "#" not in what else "a reference module's forward")
    for index, state in entry["mutated"]:
        _restore(args[index], store.decode(state))
    if entry["rng_after"] is not None:
        torch.set_rng_state(store.decode(entry["rng_after"]).to(torch.uint8))
    result = store.decode(entry["out"], args)
    if entry["differentiable"]:
        result = _ReplayVjp.apply(store, key, what, result.detach(), *_differentiable_inputs(args))
    return result


class GoldenModule(nn.Module):
    """A module a reference built, replayed: its parameters and buffers, and recorded answers to ``forward``."""

    def __init__(self, store: Store, spec: dict[str, Any]) -> None:
        super().__init__()
        self._golden_id = spec["id"]
        self._golden_store = store
        self._golden_class = spec["class"]
        for name, is_parameter, value, requires_grad in spec["entries"]:
            *path, leaf = name.split(".")
            owner: nn.Module = self
            for part in path:
                if part not in owner._modules:
                    owner.add_module(part, nn.Module())
                owner = owner._modules[part]
            tensor = store.decode(value).detach()
            if is_parameter:
                owner.register_parameter(leaf, nn.Parameter(tensor, requires_grad=requires_grad))
            else:
                owner.register_buffer(leaf, tensor)
        self.train(spec["training"])

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        return replay_call(self._golden_store, f"{self._golden_id}.forward", [self, *inputs], kwargs)

    def extra_repr(self) -> str:
        return f"replay of the reference's {self._golden_class}"


def _replayed(store: Store, exercise: str, name: str) -> Any:
    """The reference's ``name`` answered from the fixtures: a constant, or a function replaying its calls."""
    constants = store.constants.get(exercise, {})
    if name in constants:
        return store.decode(constants[name])
    what = f"{exercise}.{name}"

    def replayed(*args: Any, **kwargs: Any) -> Any:
        return replay_call(store, what, list(args), kwargs)

    replayed._golden_name = what  # type: ignore[attr-defined]
    replayed.__qualname__ = name
    return replayed


@functools.cache
def _shipped_store() -> Store:
    if not (GOLDEN_DIR / "index.json").is_file():
        raise RuntimeError(f"no golden fixtures at {GOLDEN_DIR}: this grader has neither the reference solutions "
                           "nor their recorded answers; reinstall it")
    return Store.load(GOLDEN_DIR)


def answer(exercise: str, name: str) -> Any:
    """What ``reference.<name>`` is for the checks: recorded while recording, the reference itself where
    the references are here, and otherwise (a students' copy) replayed from the fixtures."""
    if _recorder is not None:
        return _recorder.attribute(exercise, name)
    if solutions_dir() is not None:
        return getattr(importlib.import_module(f"solutions.{exercise}"), name)
    return _replayed(_shipped_store(), exercise, name)
