"""Running a student's ``nn.Module`` class with the reference's weights, from a check."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from grader.judge import expect
from grader.judge.core import Student, fail


def describe_mismatch(cls: str, mismatch: dict[str, list[str]], expected: dict[str, torch.Tensor],
                      found_shapes: dict[str, list[int]], advice: dict[str, str] | None = None) -> str:
    """One sentence per difference between the expected and the student's ``state_dict``."""
    advice = advice or {}
    parts = []
    for key in mismatch.get("unexpected", []):
        parts.append(f"{cls} has a parameter or buffer '{key}' that the notes' {cls} does not have"
                     + (f" ({advice[key]})" if key in advice else ""))
    for key in mismatch.get("missing", []):
        parts.append(f"{cls} lacks '{key}' (shape {list(expected[key].shape)})" + (f" ({advice[key]})" if key in advice else ""))
    for key in mismatch.get("wrong_shapes", []):
        parts.append(f"'{key}' has shape {found_shapes.get(key)}; expected {list(expected[key].shape)}")
    return "; ".join(parts[:6]) + ("; ..." if len(parts) > 6 else "")


def run_module(student: Student, cls: str, kwargs: dict[str, Any], state: dict[str, torch.Tensor],
               inputs: list[torch.Tensor], *, train: bool = False, upstream: list[torch.Tensor] | None = None,
               advice: dict[str, str] | None = None, timeout_s: float | None = None) -> dict[str, Any]:
    """Run the student's ``cls(**kwargs)`` loaded with ``state`` on ``inputs``, or fail naming the mismatch."""
    signature = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    reply = student.probe("modules.run", what=f"{cls}({signature}).forward(x)", timeout_s=timeout_s,
                          cls=cls, kwargs=kwargs, state=state, inputs=inputs,
                          train=train, upstream=upstream)
    if "mismatch" in reply:
        raise fail(describe_mismatch(cls, reply["mismatch"], state, reply["shapes"], advice),
                   mismatch=reply["mismatch"])
    return reply


def random_state(model: nn.Module, generator: torch.Generator) -> dict[str, torch.Tensor]:
    """``model``'s state_dict with every float tensor redrawn, BN statistics made non-trivial."""
    state = {}
    for name, value in model.state_dict().items():
        if not value.is_floating_point():
            state[name] = value.clone()
        elif name.endswith("running_var"):
            state[name] = torch.rand(value.shape, generator=generator) + 0.5
        elif name.endswith("running_mean"):
            state[name] = 0.3 * torch.randn(value.shape, generator=generator)
        else:
            fan_in = value[0].numel() if value.dim() > 1 else 1
            state[name] = torch.randn(value.shape, generator=generator) / fan_in**0.5
    return state


def expect_outputs(reply: dict[str, Any], expected: list[torch.Tensor], *, what: str,
                   mistakes: list[dict[str, torch.Tensor]] | None = None, rtol: float | None = None,
                   atol: float | None = None) -> None:
    """Compare each output of :func:`run_module` with the expected one."""
    for index, (got, want) in enumerate(zip(reply["outputs"], expected)):
        expect.tensor(got, want, what=f"{what} for a batch of {want.shape[0]}" if want.dim() else what,
                      mistakes=(mistakes or [{}] * len(expected))[index], rtol=rtol, atol=atol)
