"""Checks of ``regularization``: ``l2_penalty``, ``NetDropout`` and ``NetBatchNorm`` (notes 002; 003 ``training=``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F

from grader.catalog import Exercise
from grader.judge import convergence, expect, modules
from grader.judge.core import Student, check, explaining, fail, hinting
from grader.judge.reference import reference_of
from grader.shared.exercises.regularization import PENALTY_INPUT, penalty_model

reference = reference_of("regularization")


#: The notes' l2_lambda.
L2_LAMBDA = 0.001
#: A larger lambda for the weight-decay comparison, so that a factor of 2 shows above float32 noise.
DECAY_LAMBDA = 0.05
ADVICE = {
    "conv1_batchnorm.weight": "name the batch norms self.conv1_batchnorm and self.conv2_batchnorm, as the notes do",
    "conv1.bias": "keep the convolutions' bias, the Conv2d default the notes use",
    "conv2.bias": "keep the convolutions' bias, the Conv2d default the notes use",
    "fc1.weight": "fc1 takes 8 * 8 * (n_chans1 // 2) inputs; mind the parentheses: 8 * 8 * n_chans1 // 2 is "
                  "(64 * n_chans1) // 2, too many for an odd n_chans1",
}
EVAL_DROPOUT = ("dropout is active in eval mode: use nn.Dropout2d modules, which follow model.eval(), or pass "
                "training=self.training to F.dropout2d (its default is training=True)")


def _loaded_penalty_model(width: int, state: dict[str, torch.Tensor]) -> torch.nn.Module:
    model = penalty_model(width)
    model.load_state_dict(state)
    return model


def _penalty_mistakes(model: torch.nn.Module, expected: torch.Tensor) -> dict[str, torch.Tensor]:
    params = dict(model.named_parameters())
    squares = {name: p.detach().pow(2).sum() for name, p in params.items()}
    total = torch.stack(list(squares.values())).sum()
    return {
        "summing p.norm() (square roots) instead of p.pow(2).sum()": sum(p.detach().norm() for p in params.values()),
        "the L2 norm itself (its square root) instead of the sum of squares": total.sqrt(),
        "p.pow(2).mean(): a mean instead of a sum": sum(p.detach().pow(2).mean() for p in params.values()),
        "p.abs().sum(): the L1 penalty, not L2": sum(p.detach().abs().sum() for p in params.values()),
        "leaving the biases out": sum(v for k, v in squares.items() if k.endswith("weight")),
        "summing model.state_dict(), which also holds batch norm's running statistics (buffers)":
            sum(v.double().pow(2).sum() for v in model.state_dict().values()).float(),
        "putting l2_lambda = 0.001 inside (the caller multiplies)": L2_LAMBDA * expected,
    }


@check(points=2, kind="correctness",
       hint="l2_penalty(model) = sum(p.pow(2).sum() for p in model.parameters()): squares, summed, parameters only.")
def test_l2_penalty_is_the_sum_of_squared_parameters(student: Student, rng: torch.Generator) -> None:
    """l2_penalty(model) is the sum of the squares of every parameter, a 0-dim tensor"""
    state = modules.random_state(penalty_model(4), rng)
    reply = student.probe("regularization.penalty", what="l2_penalty(model)", width=4, state=state)
    model = _loaded_penalty_model(4, state)
    expected = reference.l2_penalty(model).detach()
    expect.tensor(reply["result"], expected, what="l2_penalty(model)", mistakes=_penalty_mistakes(model, expected))


@check(points=2, kind="property",
       hint="Keep the penalty in the graph: no .item(), float() or state_dict() (its tensors are detached); "
            "d(p²)/dp = 2p must reach every parameter.")
def test_l2_penalty_sends_a_gradient_to_every_parameter(student: Student, rng: torch.Generator) -> None:
    """Backpropagating l2_penalty(model) gives every parameter the gradient 2·p"""
    state = modules.random_state(penalty_model(4), rng)
    reply = student.probe("regularization.penalty", what="l2_penalty(model).backward()", width=4, state=state)
    result, grads = reply["result"], reply["grads"]
    if grads is None:
        if isinstance(result, expect.RemoteTensor):
            expect.shaped(result, (), result.dtype, what="l2_penalty(model)")
            raise fail("l2_penalty(model) returned a tensor that is not attached to the parameters' graph, so adding "
                       "it to the loss changes no gradient: sum p.pow(2) over model.parameters() (not "
                       "state_dict(), whose tensors are detached; no torch.no_grad(), no .detach())")
        raise fail(f"l2_penalty(model) returned {expect.describe(result)}: a Python number carries no gradient, so "
                   "the penalty would not regularise anything; return the tensor (no .item(), no float())")
    params = dict(_loaded_penalty_model(4, state).named_parameters())
    norm = torch.stack([p.detach().pow(2).sum() for p in params.values()]).sum().sqrt()
    for name, param in params.items():
        got = grads.get(name)
        if got is None:
            raise fail(f"the penalty sends no gradient to the parameter '{name}': every parameter of the model "
                       "must be in the sum")
        expect.tensor(got, 2 * param.detach(), what=f"the gradient of l2_penalty(model) for '{name}'",
                      mistakes={"the square root of the sum of squares (a norm)": param.detach() / norm,
                                "l2_lambda = 0.001 multiplied inside": 2 * L2_LAMBDA * param.detach()})


def _sgd_with_weight_decay(state: dict[str, torch.Tensor], x: torch.Tensor, y: torch.Tensor, weight_decay: float,
                           lr: float, momentum: float, steps: int) -> dict[str, torch.Tensor]:
    model = _loaded_penalty_model(4, state).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    for _ in range(steps):
        loss = F.mse_loss(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return {name: p.detach() for name, p in model.named_parameters()}


@check(points=2, kind="correctness",
       hint="With loss + λ·Σp², each step adds 2λ·p to every gradient: exactly what SGD(weight_decay=2λ) does.")
def test_l2_penalty_equals_sgd_weight_decay(student: Student, rng: torch.Generator) -> None:
    """SGD on loss + λ·l2_penalty(model) moves the parameters exactly like SGD(weight_decay=2λ) on the loss"""
    state = modules.random_state(penalty_model(4), rng)
    x, y = torch.randn(8, *PENALTY_INPUT, generator=rng), torch.randn(8, 3, generator=rng)
    lr, momentum, steps = 0.1, 0.9, 3
    reply = student.probe("regularization.penalised_sgd", what="SGD steps on loss + λ·l2_penalty(model)", width=4,
                          state=state, inputs=x, targets=y, l2_lambda=DECAY_LAMBDA, lr=lr, momentum=momentum, steps=steps)
    expected = _sgd_with_weight_decay(state, x, y, 2 * DECAY_LAMBDA, lr, momentum, steps)
    halved = _sgd_with_weight_decay(state, x, y, DECAY_LAMBDA, lr, momentum, steps)
    none = _sgd_with_weight_decay(state, x, y, 0.0, lr, momentum, steps)
    for name, want in expected.items():
        expect.tensor(reply["params"].get(name), want,
                      what=f"parameter '{name}' after {steps} SGD steps on loss + {DECAY_LAMBDA}·l2_penalty(model) "
                           f"(expected: as with SGD(weight_decay={2 * DECAY_LAMBDA:g}))",
                      mistakes={"half the sum of squares (½·Σp², which equals weight_decay=λ)": halved[name],
                                "a penalty that sends no gradient (no weight decay at all)": none[name]})


@check(points=1, kind="correctness",
       hint="Start the sum from a tensor of the parameters' dtype, or return torch.zeros(()) when there are no "
            "parameters: sum() of nothing is the int 0, and += into a float32 zero keeps float32.")
def test_l2_penalty_keeps_the_parameters_dtype_and_shape(student: Student, rng: torch.Generator) -> None:
    """l2_penalty of a float64 model is a float64 0-dim tensor; of a model without parameters, a 0-dim zero"""
    state = modules.random_state(penalty_model(4), rng)
    reply = student.probe("regularization.penalty_edge_cases", what="l2_penalty of a float64 model and of an empty one",
                          state=state)
    expected = reference.l2_penalty(_loaded_penalty_model(4, state).double()).detach()
    expect.tensor(reply["float64"], expected, what="l2_penalty(model) of a float64 model (the stub promises the "
                  "parameters' dtype)")
    expect.tensor(reply["empty"], torch.zeros(()), what="l2_penalty(model) of a model without parameters (the stub "
                  "promises torch.zeros(()))")


#: An odd width: 8 * 8 * n_chans1 // 2 and 8 * 8 * (n_chans1 // 2) agree for even widths only.
ODD_WIDTH = 7
ODD_FLATTEN = ("for an odd n_chans1, 8 * 8 * n_chans1 // 2 is (64 * n_chans1) // 2, more than the 8 * 8 * (n_chans1 // 2) "
               "values conv2 gives: write 8 * 8 * (n_chans1 // 2), or flatten with out.flatten(1)")


def _run_layout(student: Student, cls: str, rng: torch.Generator) -> None:
    """The layers of ``cls`` for an even and an odd width, and its eval-mode logits for the odd one."""
    modules.run_module(student, cls, {"n_chans1": 16}, modules.random_state(getattr(reference, cls)(16), rng), [],
                       advice=ADVICE)
    state = modules.random_state(getattr(reference, cls)(ODD_WIDTH), rng)
    x = torch.randn(3, 3, 32, 32, generator=rng)
    with explaining("is invalid for input of size", ODD_FLATTEN), explaining("shapes cannot be multiplied", ODD_FLATTEN):
        reply = modules.run_module(student, cls, {"n_chans1": ODD_WIDTH}, state, [x], advice=ADVICE)
    expected, _ = _reference_outputs(cls, ODD_WIDTH, state, x, train=False)
    expect.tensor(reply["outputs"][0], expected, what=f"{cls}({ODD_WIDTH})(x) in eval mode (an odd width)")


@check(points=1, kind="property",
       hint="NetDropout(n_chans1): conv1 (3 → n_chans1), conv2 (n_chans1 → n_chans1 // 2), fc1 (8·8·(n_chans1 // 2) → 32), "
            "fc2 (32 → 2), for odd widths too: mind the parentheses in 8 * 8 * (n_chans1 // 2).")
def test_netdropout_has_the_notes_layers(student: Student, rng: torch.Generator) -> None:
    """NetDropout(16) and NetDropout(7) have the notes' conv1, conv2, fc1 and fc2, sized from n_chans1"""
    _run_layout(student, "NetDropout", rng)


@check(points=1, kind="property",
       hint="NetBatchNorm(n_chans1): conv1, conv1_batchnorm (n_chans1), conv2, conv2_batchnorm (n_chans1 // 2), fc1, fc2, "
            "for odd widths too: mind the parentheses in 8 * 8 * (n_chans1 // 2).")
def test_netbatchnorm_has_the_notes_layers(student: Student, rng: torch.Generator) -> None:
    """NetBatchNorm(16) and NetBatchNorm(7) have the notes' convolutions, batch norms and linear layers, sized from n_chans1"""
    _run_layout(student, "NetBatchNorm", rng)


def _reference_outputs(cls: str, n_chans1: int, state: dict[str, torch.Tensor], x: torch.Tensor,
                       train: bool) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    model = getattr(reference, cls)(n_chans1)
    model.load_state_dict(state)
    model.train(train)
    with torch.no_grad():
        return model(x), model.state_dict()


def _expect_eval_dropout_off(student: Student, n_chans1: int, rng: torch.Generator) -> None:
    state = modules.random_state(reference.NetDropout(n_chans1), rng)
    x = torch.randn(6, 3, 32, 32, generator=rng)
    reply = modules.run_module(student, "NetDropout", {"n_chans1": n_chans1}, state, [x, x], advice=ADVICE)
    first, second = (expect.shaped(o, (6, 2), torch.float32, what="NetDropout(x) in eval mode").data
                     for o in reply["outputs"])
    if not torch.equal(first, second):
        raise fail(f"NetDropout({n_chans1}) in eval mode gave two different outputs for the same images: {EVAL_DROPOUT}")
    expected, _ = _reference_outputs("NetDropout", n_chans1, state, x, train=False)
    expect.tensor(first, expected, what=f"NetDropout({n_chans1})(x) in eval mode")


@check(points=2, kind="correctness",
       hint="In eval mode dropout does nothing: nn.Dropout2d modules, or F.dropout2d(..., training=self.training).")
def test_netdropout_in_eval_mode_has_no_dropout(student: Student, rng: torch.Generator) -> None:
    """In eval mode NetDropout is deterministic and gives the reference's logits"""
    _expect_eval_dropout_off(student, 32, rng)


def _dropout_replay(state: dict[str, torch.Tensor], x: torch.Tensor, seed: int, calls: int,
                    drop: Callable[[torch.Tensor], torch.Tensor]) -> list[torch.Tensor]:
    """NetDropout's forward with ``drop`` after each conv stage, replayed from ``seed``."""
    torch.manual_seed(seed)
    outputs = []
    for _ in range(calls):
        out = drop(F.max_pool2d(torch.tanh(F.conv2d(x, state["conv1.weight"], state["conv1.bias"], padding=1)), 2))
        out = drop(F.max_pool2d(torch.tanh(F.conv2d(out, state["conv2.weight"], state["conv2.bias"], padding=1)), 2))
        out = torch.tanh(F.linear(out.flatten(1), state["fc1.weight"], state["fc1.bias"]))
        outputs.append(F.linear(out, state["fc2.weight"], state["fc2.bias"]))
    return outputs


@check(points=2, kind="correctness",
       hint="nn.Dropout2d(p=0.4) after each conv stage: each channel dropped with probability 0.4, survivors × 1/0.6.")
def test_netdropout_in_training_mode_drops_channels(student: Student, rng: torch.Generator) -> None:
    """In training mode NetDropout drops whole channels with p = 0.4, as the reference does from the same seed"""
    state = modules.random_state(reference.NetDropout(16), rng)
    x = torch.randn(6, 3, 32, 32, generator=rng)
    seed = int(torch.randint(0, 2**31, (), generator=rng))
    reply = student.probe("regularization.seeded_forward", what="NetDropout(16)(x) in training mode",
                          cls="NetDropout", kwargs={"n_chans1": 16}, state=state, x=x, seed=seed, calls=2)
    first, second = (expect.shaped(o, (6, 2), torch.float32, what="NetDropout(x) in training mode").data
                     for o in reply["outputs"])
    if torch.equal(first, second):
        raise fail("NetDropout in training mode gave the same output twice for the same images: its dropout never "
                   "drops anything while training (use nn.Dropout2d(p=0.4) modules, or "
                   "F.dropout2d(out, 0.4, training=self.training))")
    expected = _dropout_replay(state, x, seed, 2, lambda t: F.dropout2d(t, 0.4, training=True))
    mistakes = {
        "nn.Dropout (single values dropped) instead of nn.Dropout2d (whole channels)":
            _dropout_replay(state, x, seed, 2, lambda t: F.dropout(t, 0.4, training=True)),
        "p=0.6 (p is the probability of DROPPING a channel)":
            _dropout_replay(state, x, seed, 2, lambda t: F.dropout2d(t, 0.6, training=True)),
        "dropout with p=0.5 (the notes use p=0.4)":
            _dropout_replay(state, x, seed, 2, lambda t: F.dropout2d(t, 0.5, training=True)),
    }
    for index, got in enumerate((first, second)):
        expect.tensor(got, expected[index], what=f"NetDropout(16)(x) in training mode, pass {index + 1} from the seed",
                      mistakes={m: outputs[index] for m, outputs in mistakes.items()})


def _bn_replay(state: dict[str, torch.Tensor], x: torch.Tensor, *, batch_stats: bool, after_tanh: bool = False,
               momentum: float = 0.1) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """NetBatchNorm's forward, its batch norms on batch or running statistics, before or after tanh."""
    running = {k: v.clone() for k, v in state.items() if "running" in k}

    def stage(out: torch.Tensor, name: str, bn: str) -> torch.Tensor:
        out = F.conv2d(out, state[f"{name}.weight"], state[f"{name}.bias"], padding=1)

        def norm(t: torch.Tensor) -> torch.Tensor:
            return F.batch_norm(t, running[f"{bn}.running_mean"], running[f"{bn}.running_var"], state[f"{bn}.weight"],
                                state[f"{bn}.bias"], training=batch_stats, momentum=momentum)

        return F.max_pool2d(norm(torch.tanh(out)) if after_tanh else torch.tanh(norm(out)), 2)

    out = stage(stage(x, "conv1", "conv1_batchnorm"), "conv2", "conv2_batchnorm")
    out = torch.tanh(F.linear(out.flatten(1), state["fc1.weight"], state["fc1.bias"]))
    return F.linear(out, state["fc2.weight"], state["fc2.bias"]), running


@check(points=2, kind="correctness",
       hint="conv → batch norm → tanh → max-pool; in training mode batch norm normalises with the batch's statistics "
            "and moves its running statistics by momentum 0.1.")
def test_netbatchnorm_in_training_mode_uses_batch_statistics(student: Student, rng: torch.Generator) -> None:
    """In training mode NetBatchNorm gives the reference's logits and updates its running statistics like it"""
    state = modules.random_state(reference.NetBatchNorm(16), rng)
    x = torch.randn(8, 3, 32, 32, generator=rng)
    reply = modules.run_module(student, "NetBatchNorm", {"n_chans1": 16}, state, [x], train=True, advice=ADVICE)
    expected, after = _reference_outputs("NetBatchNorm", 16, state, x, train=True)
    expect.tensor(reply["outputs"][0], expected, what="NetBatchNorm(16)(x) in training mode", mistakes={
        "batch norm applied after tanh instead of before it": _bn_replay(state, x, batch_stats=True, after_tanh=True)[0],
        "batch norm on its running statistics in training mode": _bn_replay(state, x, batch_stats=False)[0],
    })
    keras = _bn_replay(state, x, batch_stats=True, momentum=0.99)[1]
    for name in ("conv1_batchnorm.running_mean", "conv1_batchnorm.running_var",
                 "conv2_batchnorm.running_mean", "conv2_batchnorm.running_var"):
        expect.tensor(reply["state_after"].get(name), after[name],
                      what=f"{name} after one training-mode forward pass", mistakes={
                          "momentum=0.99 (Keras's momentum means 1 - PyTorch's: keep PyTorch's 0.1)": keras[name],
                          "running statistics that never move (they must follow the batches while training)": state[name],
                      })


@check(points=2, kind="property",
       hint="model.eval() makes nn.BatchNorm2d use its running statistics; with F.batch_norm pass training=self.training.")
def test_netbatchnorm_in_eval_mode_uses_running_statistics(student: Student, rng: torch.Generator) -> None:
    """In eval mode NetBatchNorm uses its running statistics: each image's logits do not depend on its batch"""
    state = modules.random_state(reference.NetBatchNorm(16), rng)
    x = torch.randn(8, 3, 32, 32, generator=rng)
    reply = modules.run_module(student, "NetBatchNorm", {"n_chans1": 16}, state, [x, x[:2]], advice=ADVICE)
    expected, _ = _reference_outputs("NetBatchNorm", 16, state, x, train=False)
    batch_stats = "batch statistics in eval mode (F.batch_norm(..., training=True), or the module kept in training mode)"
    whole = expect.tensor(reply["outputs"][0], expected, what="NetBatchNorm(16)(x) in eval mode",
                          mistakes={batch_stats: _bn_replay(state, x, batch_stats=True)[0]})
    alone = expect.shaped(reply["outputs"][1], (2, 2), torch.float32, what="NetBatchNorm(16) on 2 images").data
    if not torch.allclose(alone, whole[:2], rtol=1e-4, atol=1e-5):
        raise fail("in eval mode the logits of two images change when the rest of their batch is left out: "
                   "batch norm must use its running statistics in eval mode, not the batch's")
    for name, value in state.items():
        got = reply["state_after"].get(name)
        if "running" in name and not (isinstance(got, expect.RemoteTensor) and torch.equal(got.data, value)):
            raise fail(f"a forward pass in eval mode changed {name}: running statistics may only move while training")


#: The hint of the penalty's part of the check of other widths (the rest is about the layers' sizes).
PENALTY_HINT = "l2_penalty(model) = sum(p.pow(2).sum() for p in model.parameters()), whatever the model's layers."


@check(points=2, kind="correctness", hidden=True,
       hint="Size every layer from n_chans1: conv2 and the batch norms get n_chans1 // 2 channels, fc1 8·8·(n_chans1 // 2) inputs.")
def test_networks_of_other_widths_match_the_reference(student: Student, rng: torch.Generator) -> None:
    """NetDropout and NetBatchNorm of a random width give the reference's logits in eval mode, and l2_penalty of another model is right"""
    n_chans1 = int(torch.randint(5, 26, (), generator=rng))
    _expect_eval_dropout_off(student, n_chans1, rng)
    state = modules.random_state(reference.NetBatchNorm(n_chans1), rng)
    x = torch.randn(5, 3, 32, 32, generator=rng)
    reply = modules.run_module(student, "NetBatchNorm", {"n_chans1": n_chans1}, state, [x], advice=ADVICE)
    expected, _ = _reference_outputs("NetBatchNorm", n_chans1, state, x, train=False)
    expect.tensor(reply["outputs"][0], expected, what=f"NetBatchNorm({n_chans1})(x) in eval mode")
    width = int(torch.randint(2, 7, (), generator=rng))
    penalty_state = modules.random_state(penalty_model(width), rng)
    with hinting(PENALTY_HINT):
        result = student.probe("regularization.penalty", what="l2_penalty(model)", width=width,
                               state=penalty_state)["result"]
        model = _loaded_penalty_model(width, penalty_state)
        expected = reference.l2_penalty(model).detach()
        expect.tensor(result, expected, what=f"l2_penalty of a model of width {width}",
                      mistakes=_penalty_mistakes(model, expected))


@check(points=2, kind="convergence",
       hint="If the layers match the notes and the penalty is right, training converges: fix the other checks first.")
def test_regularized_netbatchnorm_learns_the_two_class_images(student: Student, exercise: Exercise,
                                                              rng: torch.Generator) -> None:
    """NetBatchNorm(8) trained with the notes' L2 penalty classifies held-out offline images

    The worker trains the student's network with the student's penalty; the grader loads the
    state_dict it returns into the reference network and counts the held-out accuracy itself.
    """
    seed, data_seed, val_seed = torch.randint(0, 2**31, (3,), generator=rng).tolist()
    reply = student.probe("regularization.train", what="training NetBatchNorm(8) with the L2 penalty",
                          timeout_s=max(student.timeout_s, 120.0), n_chans1=8, seed=seed, data_seed=data_seed,
                          images=int(exercise.threshold("train_images")), epochs=int(exercise.threshold("epochs")),
                          lr=1e-2, momentum=0.9, l2_lambda=L2_LAMBDA, batch_size=64)
    curve = [expect.as_float(v, what="the training loss") for v in reply["curve"]]
    accuracy = _held_out_accuracy(reply["state"], exercise, val_seed)
    convergence.expect_accuracy(student, exercise, accuracy, curve, curve_label="training loss + L2 penalty per epoch")


def _held_out_accuracy(state: Any, exercise: Exercise, seed: int) -> float:
    network = reference.NetBatchNorm(8)
    expected = network.state_dict()
    if not isinstance(state, dict) or set(state) != set(expected):
        raise fail("the trained NetBatchNorm(8) has other state_dict keys than the notes' network")
    network.load_state_dict({k: expect.shaped(v, tuple(expected[k].shape), expected[k].dtype, what=k).data
                             for k, v in state.items()})
    return convergence.accuracy(network, *convergence.held_out_images(exercise, seed))
