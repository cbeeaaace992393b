"""Comparing what a student's code returned with what was expected, and saying how it differs.

Every helper raises a :class:`~grader.judge.core.Verdict` whose message names the problem in
the order a student should fix it: the type, then the shape, the dtype, the device, and
only then the values, with the largest error and where it is. When the values match a
known mistake (``mistakes``), the message names that mistake.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import torch

from grader.judge import static
from grader.judge.core import Verdict, fail
from grader.shared.outcome import Outcome
from grader.shared.wire import TENSOR_SUBCLASS, RemoteObject, RemoteTensor

#: (rtol, atol) by dtype: float32 leaves room for a different order of operations or a
#: float64 detour; float64 for what an exact derivation must reproduce.
TOLERANCES: dict[torch.dtype, tuple[float, float]] = {
    torch.float16: (1e-2, 1e-3),
    torch.bfloat16: (2e-2, 1e-2),
    torch.float32: (1e-4, 1e-5),
    torch.float64: (1e-7, 1e-10),
}


def describe(value: Any) -> str:
    """A short phrase for any returned value: ``a tensor of shape [3] and dtype torch.int64``."""
    if isinstance(value, RemoteTensor):
        kind = "a NumPy array" if value.is_ndarray else "a tensor"
        return f"{kind} of shape {list(value.shape)} and dtype {value.dtype}"
    if isinstance(value, RemoteObject) and value.repr == TENSOR_SUBCLASS:
        return f"a {value.type_name}, {TENSOR_SUBCLASS}"
    if isinstance(value, RemoteObject):
        return f"an object of type {value.type_name}"
    if value is None:
        return "None"
    if isinstance(value, bool):
        return f"the bool {value}"
    if isinstance(value, (int, float)):
        return f"the {type(value).__name__} {value!r}"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(value)[:8]}"
    return f"a value of type {type(value).__name__}"


def tensor(
    value: Any,
    expected: torch.Tensor,
    *,
    what: str,
    rtol: float | None = None,
    atol: float | None = None,
    shapes: Iterable[tuple[int, ...]] = (),
    device: str | None = None,
    mistakes: Mapping[str, torch.Tensor] | None = None,
) -> torch.Tensor:
    """Check that ``value`` is a tensor equal to ``expected``; return its CPU values.

    ``value`` is what the worker returned, or a plain tensor the check unpacked from it.

    ``shapes`` lists other shapes accepted as equivalent (the values are compared after a
    reshape). ``mistakes`` maps a description of a known mistake to the output it gives.
    """
    expected = expected.detach().cpu()
    value = shaped(value, tuple(expected.shape), expected.dtype, what=what, shapes=shapes, mistakes=mistakes)
    if device is not None and torch.device(value.device).type != torch.device(device).type:
        raise fail(f"{what} is on device {value.device}; expected it on {device} (where its inputs were)")
    got = value.data.reshape(expected.shape)
    close, details = compare(got, expected, rtol=rtol, atol=atol)
    if not close:
        mistake = _mistake_by_value(got, expected, mistakes, rtol, atol)
        summary = details.pop("summary")
        raise fail(f"{what} {summary}{mistake}", **details)
    return got


def shaped(
    value: Any,
    shape: tuple[int, ...],
    dtype: torch.dtype,
    *,
    what: str,
    shapes: Iterable[tuple[int, ...]] = (),
    mistakes: Mapping[str, torch.Tensor] | None = None,
) -> RemoteTensor:
    """Check that ``value`` is a tensor of ``shape`` (or one of ``shapes``) and ``dtype``."""
    if isinstance(value, torch.Tensor):  # values the grader already unpacked from a reply
        value = RemoteTensor(value.detach().cpu(), "cpu", False, None)
    if not isinstance(value, RemoteTensor) or value.is_ndarray:
        raise fail(f"{what} returned {describe(value)}; expected a torch.Tensor of shape {list(shape)}")
    if value.shape not in {tuple(shape), *(tuple(s) for s in shapes)}:
        hint = _mistake_by_shape(value, mistakes)
        raise fail(f"{what} has shape {list(value.shape)}; expected {list(shape)}{hint}",
                   got_shape=list(value.shape), expected_shape=list(shape))
    if value.dtype != dtype:
        raise fail(f"{what} has dtype {value.dtype}; expected {dtype}")
    return value


def compare(
    got: torch.Tensor, expected: torch.Tensor, *, rtol: float | None = None, atol: float | None = None
) -> tuple[bool, dict[str, Any]]:
    """Whether ``got`` equals ``expected`` within the tolerances, and the largest errors."""
    if not expected.is_floating_point() and not expected.is_complex():
        mismatch = got != expected
        if not bool(mismatch.any()):
            return True, {}
        index = _unravel(int(mismatch.flatten().nonzero()[0]), expected.shape)
        return False, {
            "summary": f"differs at {int(mismatch.sum())} of {expected.numel()} positions; first at "
            f"index {index}: got {got[index].item()}, expected {expected[index].item()}",
            "mismatches": int(mismatch.sum()),
            "at": list(index),
        }
    default_rtol, default_atol = TOLERANCES.get(expected.dtype, (1e-5, 1e-8))
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    got64, exp64 = got.to(torch.float64), expected.to(torch.float64)
    if torch.allclose(got64, exp64, rtol=rtol, atol=atol, equal_nan=True):
        return True, {}
    if expected.numel() == 0:
        return True, {}
    nan_got = torch.isnan(got64) & ~torch.isnan(exp64)
    if bool(nan_got.any()):
        index = _unravel(int(nan_got.flatten().nonzero()[0]), expected.shape)
        return False, {"summary": f"contains NaN (first at index {list(index)}) where a number was expected", "at": list(index)}
    abs_err = (got64 - exp64).abs().nan_to_num(nan=float("inf"))
    rel_err = abs_err / exp64.abs().clamp_min(1e-12)
    flat = int(abs_err.flatten().argmax())
    index = _unravel(flat, expected.shape)
    return False, {
        "summary": (
            f"differs from the expected values: largest absolute error {float(abs_err.max()):.3g} "
            f"at index {list(index)} (got {float(got64[index]):.6g}, expected {float(exp64[index]):.6g}); "
            f"largest relative error {float(rel_err.max()):.3g}; tolerance rtol={rtol:g}, atol={atol:g}"
        ),
        "max_abs_error": float(abs_err.max()),
        "max_rel_error": float(rel_err.max()),
        "at": list(index),
        "got": float(got64[index]),
        "expected": float(exp64[index]),
    }


def number(value: Any, expected: float, *, what: str, rtol: float = 1e-4, atol: float = 1e-6) -> float:
    """Check that ``value`` is a real number (or one-element tensor) close to ``expected``."""
    got = as_float(value, what=what)
    if not abs(got - expected) <= atol + rtol * abs(expected):
        raise fail(f"{what} is {got:.6g}; expected {expected:.6g}", got=got, expected=expected)
    return got


def as_float(value: Any, *, what: str) -> float:
    """A Python float from a returned number or one-element tensor, or a clear failure."""
    if isinstance(value, RemoteTensor) and value.data.numel() == 1 and value.data.is_floating_point():
        return float(value.data.reshape(()))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise fail(f"{what} returned {describe(value)}; expected a number")


def unchanged(before: list[Any], after: list[Any] | None, *, names: list[str], what: str,
              read: static.Reach | None = None) -> None:
    """Fail if the student's call changed any of the tensors it was given.

    Decided here, from what the grader sent (``before``) and the arguments as the reply gives
    them back (``after``): a reply without all of them is a worker that was tampered with. With
    ``read``, code that can reach the grader's objects in the worker (and so forge ``after``)
    fails first.
    """
    for found in read.tampering() if read is not None else []:
        raise Verdict(Outcome.FORBIDDEN, f"decided by reading the code: the grader could not verify that {what} leaves its "
                      f"arguments unchanged: {found.place()}: `{found.written}` ({found.api}) can reach the grader's "
                      "own objects in the worker; leave the grader and the interpreter as they are",
                      _details(found))
    if not isinstance(after, list) or len(after) != len(before):
        raise Verdict(Outcome.FORBIDDEN, f"{what}: the worker's reply does not give back the {len(before)} arguments the "
                      "grader sent, so whether they were modified cannot be judged; the code tampered with the "
                      "grader's worker")
    for name, original, seen in zip(names, before, after):
        if not isinstance(original, torch.Tensor):
            continue
        if not isinstance(seen, RemoteTensor) or seen.shape != tuple(original.shape):
            shape = list(seen.shape) if isinstance(seen, RemoteTensor) else describe(seen)
            raise fail(
                f"{what} changed the shape of its argument '{name}' in place "
                f"(from {list(original.shape)} to {shape}): use out-of-place operations, "
                "e.g. unsqueeze() rather than unsqueeze_()"
            )
        if seen.dtype != original.dtype or not torch.equal(seen.data, original.cpu()):
            raise fail(
                f"{what} modified its argument '{name}' in place: work on a copy or use out-of-place "
                "operations (w = w - lr * g, not w -= lr * g on the caller's tensor)"
            )


def data_unchanged(sent: Mapping[str, torch.Tensor], after: Any, *, what: str) -> None:
    """Fail naming the tensors of ``sent`` that ``after`` (the reply's name -> tensor as it is now) shows changed.

    Judged here from what the grader sent, never from a flag the worker computed about itself.
    """
    if after is None:
        raise fail(f"{what} could not be run on the grader's data (see the other checks of this exercise), so "
                   "whether it leaves them unchanged cannot be judged")
    if not isinstance(after, dict) or set(after) != set(sent):
        raise Verdict(Outcome.FORBIDDEN, f"{what}: the worker's reply does not give back the data the grader sent, so "
                      "whether they were modified cannot be judged; the code tampered with the grader's worker")
    changed = [name for name, given in sent.items() if not _same(after[name], given)]
    if changed:
        raise fail(f"{what} modified {' and '.join(changed)} in place; the data must stay as given")


def _same(seen: Any, given: torch.Tensor) -> bool:
    return (isinstance(seen, RemoteTensor) and seen.shape == tuple(given.shape) and seen.dtype == given.dtype
            and torch.equal(seen.data.cpu(), given.cpu()))


def raised(outcome: Mapping[str, Any], error: str, *, what: str, why: str = "", should: str = "",
           mentions: str | None = None) -> None:
    """Fail unless a probe's ``outcome`` says the student's code raised ``error`` (or a subclass).

    ``outcome`` holds ``raised``, ``bases`` and ``message`` when something was raised, and
    the value under ``returned`` or ``result`` otherwise. ``why`` follows "expected <error>"
    when nothing was raised; where ``mentions`` is given, the message must contain it, and
    ``should`` says what the message should do ("name channel 2").
    """
    if "raised" not in outcome:
        returned = outcome.get("returned", outcome.get("result"))
        raise fail(f"{what} returned {describe(returned)}; expected {error}{why}")
    if error not in outcome["bases"]:
        raise fail(f"{what} raised {outcome['raised']}({outcome['message']!r}); expected {error}")
    if mentions is not None and mentions not in outcome["message"]:
        raise fail(f"{what} raised {error}({outcome['message']!r}); the message should {should}")


def not_called(calls: list[dict[str, Any]], apis: Mapping[str, str], *, what: str,
               read: static.Reach | None = None) -> None:
    """``forbidden`` verdict if the code ``read`` reaches any of ``apis`` (name -> why it is forbidden), or a call was seen.

    The reading of the submission's files decides first; the calls recorded in the worker
    (which the student's code shares) are the second signal.
    """
    if read is not None:
        not_reached(read, apis, what=what)
    for call in calls:
        api = call.get("api")
        if api in apis:
            raise Verdict(Outcome.FORBIDDEN, f"observed while running: {what} called {api}: {apis[api]}",
                          {"api": api, "decided": "observed while running"})


def not_reached(read: static.Reach, apis: Mapping[str, str], *, what: str) -> None:
    """``forbidden`` verdict if the code ``read`` refers to one of ``apis``, or hides what it calls."""
    for found in read.uses(apis):
        raise Verdict(Outcome.FORBIDDEN, f"decided by reading the code: {what} reaches {found.api} at {found.place()} "
                      f"(as `{found.written}`): {apis[found.api]}", _details(found))
    _readable(read, tuple(apis), what=what, whether=f"does not call {', '.join(apis)}")


def grad_turned_off(read: static.Reach | None, *, what: str, advice: str) -> None:
    """Fail unless the code ``read`` can turn autograd off (``torch.no_grad()`` and the like) and hides nothing."""
    if read is None or read.missing:
        return
    _readable(read, static.GRAD_MODE, what=what, whether="runs the model with autograd off")
    if not read.turns_grad_off():
        raise fail(f"decided by reading the code: {what} and the code it calls never turn autograd off (no "
                   f"torch.no_grad(), torch.inference_mode() or torch.set_grad_enabled(False)): {advice}",
                   decided="by reading the code")


def _readable(read: static.Reach, patched: tuple[str, ...], *, what: str, whether: str) -> None:
    for found in read.opaque(patched):
        raise Verdict(Outcome.FORBIDDEN, f"decided by reading the code: the grader could not verify that {what} "
                      f"{whether}: {found.place()}: `{found.written}` ({found.api}) hides what the code calls; call "
                      "functions by their names and leave torch and the grader as they are",
                      _details(found))


def _details(found: static.Finding) -> dict[str, Any]:
    return {"decided": "by reading the code", "file": found.file, "line": found.line, "api": found.api}


def _mistake_by_value(
    got: torch.Tensor,
    expected: torch.Tensor,
    mistakes: Mapping[str, torch.Tensor] | None,
    rtol: float | None,
    atol: float | None,
) -> str:
    for description, output in (mistakes or {}).items():
        output = output.detach().cpu()
        if output.shape == got.shape and compare(got, output.to(got.dtype), rtol=rtol, atol=atol)[0]:
            return f". It matches what {description} gives"
    return ""


def _mistake_by_shape(value: RemoteTensor, mistakes: Mapping[str, torch.Tensor] | None) -> str:
    for description, output in (mistakes or {}).items():
        if tuple(output.shape) == value.shape:
            return f". That is the shape {description} gives"
    return ""


def _unravel(flat: int, shape: torch.Size) -> tuple[int, ...]:
    index = []
    for size in reversed(shape):
        index.append(flat % size)
        flat //= size
    return tuple(reversed(index))
