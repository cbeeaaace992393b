"""Recording calls to APIs an exercise forbids or inspects (``F.one_hot``, ``backward``...).

While a watch is active, each watched attribute is replaced by a recorder that notes the
call and then calls the original. Names the student's module bound at import time
(``from torch.autograd import grad``) are found by identity and replaced too.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import types
from collections.abc import Iterator
from typing import Any

_PLAIN = (bool, int, float, str, type(None))


def _resolve(dotted: str) -> tuple[Any, str]:
    """Split ``torch.nn.functional.one_hot`` into (the owner object, ``"one_hot"``)."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:-1]:
            owner = getattr(owner, attr)
        return owner, parts[-1]
    raise ValueError(f"cannot resolve {dotted!r}")


def _bound_arguments(original: Any, args: tuple, kwargs: dict) -> dict[str, Any]:
    try:
        bound = inspect.signature(original).bind(*args, **kwargs)
        bound.apply_defaults()
    except (TypeError, ValueError):
        return {}
    return {k: v for k, v in bound.arguments.items() if isinstance(v, _PLAIN)}


@contextlib.contextmanager
def watching(names: list[str], modules: list[types.ModuleType]) -> Iterator[list[dict[str, Any]]]:
    """Record calls to the dotted ``names`` made while the block runs."""
    calls: list[dict[str, Any]] = []
    restore: list[tuple[Any, str, Any]] = []

    def recorder(name: str, original: Any) -> Any:
        def record(*args: Any, **kwargs: Any) -> Any:
            calls.append({"api": name, "arguments": _bound_arguments(original, args, kwargs)})
            return original(*args, **kwargs)

        return record

    try:
        for name in names:
            owner, attr = _resolve(name)
            original = getattr(owner, attr)
            wrapper = recorder(name, original)
            restore.append((owner, attr, original))
            setattr(owner, attr, wrapper)
            for module in modules:
                for key, value in list(vars(module).items()):
                    if value is original:
                        restore.append((module, key, original))
                        setattr(module, key, wrapper)
        yield calls
    finally:
        for owner, attr, original in reversed(restore):
            setattr(owner, attr, original)
