"""Checks of ``convnet``: ``forward()`` of the notes' ``Net`` for CIFAR-2 (notes 002, 'nn.Module subclass')."""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from grader.judge import expect, modules
from grader.judge.core import Student, check, fail
from grader.judge.reference import reference_of

reference = reference_of("convnet")


BATCHES = (1, 7, 64)
HINT = ("forward: conv1 → tanh → max-pool 2, conv2 → tanh → max-pool 2 (32→16→8), "
        "flatten to [N, 512] keeping the C, H, W order, fc1 → tanh, fc2; return the raw logits.")


def _variant(state: dict[str, torch.Tensor], x: torch.Tensor, *, act: Callable = torch.tanh,
             dense_act: Callable = torch.tanh, pool: Callable = F.max_pool2d, pools: int = 2, fc1_act: bool = True, softmax: bool = False,
             channels_last: bool = False) -> torch.Tensor:
    """The notes' forward, or one of the mistakes students make with it."""
    out = pool(act(F.conv2d(x, state["conv1.weight"], state["conv1.bias"], padding=1)), 2)
    out = act(F.conv2d(out, state["conv2.weight"], state["conv2.bias"], padding=1))
    out = pool(out, 2) if pools == 2 else out
    out = out.permute(0, 2, 3, 1) if channels_last else out
    out = out.reshape(-1, 512)
    out = F.linear(out, state["fc1.weight"], state["fc1.bias"])
    out = F.linear(dense_act(out) if fc1_act else out, state["fc2.weight"], state["fc2.bias"])
    return out.softmax(dim=1) if softmax else out


def _mistakes(state: dict[str, torch.Tensor], x: torch.Tensor) -> dict[str, torch.Tensor]:
    return {
        "ReLU instead of tanh": _variant(state, x, act=torch.relu, dense_act=torch.relu),
        "ReLU instead of tanh after the convolutions": _variant(state, x, act=torch.relu),
        "average pooling instead of max pooling": _variant(state, x, pool=F.avg_pool2d),
        "the second max-pool left out": _variant(state, x, pools=1),
        "no tanh after fc1": _variant(state, x, fc1_act=False),
        "a softmax applied to the output (return the raw logits; CrossEntropyLoss applies log-softmax itself)":
            _variant(state, x, softmax=True),
        "flattening in [N, H, W, C] order (flatten the [N, C, H, W] tensor as it is)": _variant(state, x, channels_last=True),
    }


def _reference_net(rng: torch.Generator) -> tuple[reference.Net, dict[str, torch.Tensor]]:
    net = reference.Net()
    state = modules.random_state(net, rng)
    net.load_state_dict(state)
    return net, state


@check(points=4, kind="correctness", hint=HINT)
def test_forward_matches_reference(student: Student, rng: torch.Generator) -> None:
    """Net.forward gives the reference's logits with the same weights, for batches of 1, 7 and 64"""
    net, state = _reference_net(rng)
    inputs = [torch.randn(n, 3, 32, 32, generator=rng) for n in BATCHES]
    reply = modules.run_module(student, "Net", {}, state, inputs)
    with torch.no_grad():
        expected = [net(x) for x in inputs]
    modules.expect_outputs(reply, expected, what="Net()(x)", mistakes=[_mistakes(state, x) for x in inputs])


@check(points=2, kind="correctness",
       hint="Build forward from differentiable torch operations only: no .detach(), .data, .item() or torch.no_grad() inside it.")
def test_gradients_reach_every_parameter(student: Student, rng: torch.Generator) -> None:
    """Backpropagating through Net.forward gives the reference's gradient for every parameter"""
    net, state = _reference_net(rng)
    x = torch.randn(7, 3, 32, 32, generator=rng)
    upstream = torch.randn(7, 2, generator=rng)
    reply = modules.run_module(student, "Net", {}, state, [x], upstream=[upstream])
    (net(x) * upstream).sum().backward()
    grads = reply["grads"]
    for name, parameter in net.named_parameters():
        got = grads.get(name)
        if got is None:
            raise fail(f"no gradient reached Net.{name}: forward must use it in differentiable operations")
        expect.tensor(got, parameter.grad, what=f"the gradient of Net.{name}", rtol=1e-3, atol=1e-5)


@check(points=2, kind="correctness", hidden=True,
       hint="Use torch.tanh: it saturates at ±1 on large pre-activations, where a tanh written as "
            "(e^x − e^−x) / (e^x + e^−x) overflows to inf / inf = NaN; and keep forward free of any fixed batch size.")
def test_forward_on_fresh_weights_batches_and_raw_pixels(student: Student, rng: torch.Generator) -> None:
    """Net.forward gives the reference's logits with fresh weights and batch sizes, on standardised and raw 0-255 pixels"""
    net, state = _reference_net(rng)
    standardised, raw = torch.randint(2, 100, (2,), generator=rng).tolist()
    inputs = [torch.randn(standardised, 3, 32, 32, generator=rng),
              torch.randint(0, 256, (raw, 3, 32, 32), generator=rng).float()]
    reply = modules.run_module(student, "Net", {}, state, inputs)
    with torch.no_grad():
        expected = [net(x) for x in inputs]
    for got, want, x, pixels in zip(reply["outputs"], expected, inputs, ("standardised", "raw 0-255")):
        expect.tensor(got, want, what=f"Net()(x) for a batch of {len(x)} {pixels} images", mistakes=_mistakes(state, x))
