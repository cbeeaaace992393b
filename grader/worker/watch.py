"""Recording calls to APIs an exercise forbids or inspects (``F.one_hot``, ``backward``...).

While a watch is active, each watched attribute is replaced by a recorder that notes the
call and then calls the original. Names the student's modules bound at import time
(``from torch.autograd import grad``) are found by identity and replaced too. Torch functions
are also seen through a torch-function mode, by the identity of the objects torch held when
this module was imported (in the zygote, before any student code): a function captured under
another name, or reached as ``torch._C._nn.one_hot``, is still the same object.

This is the second signal of a property only: the student's code shares this process, so the
grader decides from reading the code (``grader.judge.static``) first. What this module needs is
taken when it is imported, so that a student's module cannot swap it out from under a watch.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import os
import sys
import types
from collections.abc import Iterator
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

_PLAIN = (bool, int, float, str, type(None))
_getattr, _setattr, _vars, _id, _isinstance = getattr, setattr, vars, id, isinstance
_import_module = importlib.import_module
_dirname = os.path.dirname
_signature = inspect.signature
_loaded = sys.modules
_enter_mode, _exit_mode = TorchFunctionMode.__enter__, TorchFunctionMode.__exit__
#: Namespaces whose functions are snapshotted by identity, as torch holds them before student code runs.
_SNAPSHOT = ("torch", "torch.nn.functional", "torch.autograd", "torch.nn.init", "torch.Tensor", "torch.linalg",
             "torch.fft", "torch.special")


def _snapshot() -> dict[str, Any]:
    objects: dict[str, Any] = {}
    for namespace in _SNAPSHOT:
        owner, attr = _resolve(namespace) if "." in namespace else (None, namespace)
        space = _getattr(owner, attr) if owner is not None else torch
        for key, value in list(_vars(space).items()):
            if callable(value) and not key.startswith("__"):
                objects[f"{namespace}.{key}"] = value
    return objects


def _resolve(dotted: str) -> tuple[Any, str]:
    """Split ``torch.nn.functional.one_hot`` into (the owner object, ``"one_hot"``)."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner: Any = _import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:-1]:
            owner = _getattr(owner, attr)
        return owner, parts[-1]
    raise ValueError(f"cannot resolve {dotted!r}")


_PRISTINE = _snapshot()


def _bound_arguments(original: Any, args: tuple, kwargs: dict) -> dict[str, Any]:
    try:
        bound = _signature(original).bind(*args, **kwargs)
        bound.apply_defaults()
    except (TypeError, ValueError):
        return {}
    return {k: v for k, v in bound.arguments.items() if _isinstance(v, _PLAIN)}


class _TorchCalls(TorchFunctionMode):
    """Notes every call of a watched torch function that reaches torch's dispatch, whatever name it was called by."""

    def __init__(self, wanted: dict[int, tuple[str, Any]], note: Any, inside: set[str]) -> None:
        super().__init__()
        self.wanted = wanted
        self.note = note
        self.inside = inside

    def __torch_function__(self, func: Any, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        kwargs = kwargs or {}
        found = self.wanted.get(_id(func))
        if found is not None and found[0] not in self.inside:
            self.note(found[0], found[1], args, kwargs)
        return func(*args, **kwargs)


def _student_modules(modules: list[types.ModuleType]) -> list[types.ModuleType]:
    """``modules`` and every other loaded module from the same folders (a helper the student's module imports).

    Read on every watched call among some three thousand loaded modules: the folders are
    compared as strings (a ``Path`` per module cost 30 ms a call).
    """
    folders = {_dirname(f) for m in modules if _isinstance(f := _getattr(m, "__file__", None), str)}
    found = list(modules)
    for module in list(_loaded.values()):
        path = _getattr(module, "__file__", None)
        if _isinstance(path, str) and _dirname(path) in folders and module not in found:
            found.append(module)
    return found


@contextlib.contextmanager
def watching(names: list[str], modules: list[types.ModuleType]) -> Iterator[list[dict[str, Any]]]:
    """Record calls to the dotted ``names`` made while the block runs."""
    calls: list[dict[str, Any]] = []
    if not names:
        yield calls
        return
    restore: list[tuple[Any, str, Any]] = []
    inside: set[str] = set()
    wanted: dict[int, tuple[str, Any]] = {}

    def note(name: str, original: Any, args: tuple, kwargs: dict) -> None:
        calls.append({"api": name, "arguments": _bound_arguments(original, args, kwargs)})

    def recorder(name: str, original: Any) -> Any:
        def record(*args: Any, **kwargs: Any) -> Any:
            note(name, original, args, kwargs)
            inside.add(name)
            try:
                return original(*args, **kwargs)
            finally:
                inside.discard(name)

        return record

    mode = _TorchCalls(wanted, note, inside)
    entered = False
    try:
        targets = _student_modules(modules)
        for name in names:
            owner, attr = _resolve(name)
            original = _getattr(owner, attr)
            for seen in (original, _PRISTINE.get(name)):
                if seen is not None:
                    wanted[_id(seen)] = (name, seen)
            wrapper = recorder(name, original)
            restore.append((owner, attr, original))
            _setattr(owner, attr, wrapper)
            for module in targets:
                for key, value in list(_vars(module).items()):
                    if value is original or (name in _PRISTINE and value is _PRISTINE[name]):
                        restore.append((module, key, value))
                        _setattr(module, key, wrapper)
        if wanted:
            _enter_mode(mode)
            entered = True
        yield calls
    finally:
        if entered:
            _exit_mode(mode, None, None, None)
        for owner, attr, original in reversed(restore):
            _setattr(owner, attr, original)
