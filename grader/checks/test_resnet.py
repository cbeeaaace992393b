"""Checks of ``resnet``: ``ResBlock`` and ``NetResDeep`` (notes 002, 'very deep models')."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F

from grader.catalog import Exercise
from grader.judge import convergence, expect, modules, throughput
from grader.judge.core import Student, check, explaining, fail
from grader.judge.reference import reference_of

reference = reference_of("resnet")


SMALL = {"n_chans1": 8, "n_blocks": 3}
#: An odd width and another depth: the stub's formulas hold for every n_chans1.
ODD = {"n_chans1": 5, "n_blocks": 2}
INIT_APIS = ("torch.nn.init.kaiming_normal_", "torch.nn.init.kaiming_uniform_")
ADVICE = {
    "conv.bias": "create the conv with bias=False: the batch norm right after it has its own shift",
    "batch_norm.weight": "name the BatchNorm2d self.batch_norm", "conv.weight": "name the convolution self.conv",
}
PADDING = ("the block's output lost rows and columns, so x cannot be added to it: a 3×3 convolution needs "
           "padding 1 to keep H and W")
SHARED_HINT = ("`n_blocks * [ResBlock(n_chans1)]` makes a list holding ONE block n_blocks times, so every "
               "block shares the same weights; build a new block each time: [ResBlock(n_chans1) for _ in range(n_blocks)].")


def _block_mistakes(state: dict[str, torch.Tensor], x: torch.Tensor, train: bool) -> dict[str, torch.Tensor]:
    def bn(out: torch.Tensor) -> torch.Tensor:
        return F.batch_norm(out, state["batch_norm.running_mean"].clone(), state["batch_norm.running_var"].clone(),
                            state["batch_norm.weight"], state["batch_norm.bias"], training=train)

    conv = F.conv2d(x, state["conv.weight"], padding=1)
    return {
        "the skip added inside the ReLU (relu(bn(conv(x)) + x))": torch.relu(bn(conv) + x),
        "no skip connection (return x + the block's output)": torch.relu(bn(conv)),
        "batch norm left out": torch.relu(conv) + x,
        "padding 0 (use padding=1 so the block keeps H and W)": torch.relu(bn(F.conv2d(x, state["conv.weight"]))),
    }


def _layout(student: Student, cls: str, kwargs: dict[str, int], seed: int = 0) -> dict:
    return student.probe("modules.layout", what=f"{cls}({', '.join(f'{k}={v}' for k, v in kwargs.items())})",
                         cls=cls, kwargs=kwargs, seed=seed, watch=list(INIT_APIS))


def _expect_same_layout(student: Student, cls: str, kwargs: dict[str, int], expected: torch.nn.Module) -> None:
    layout = _layout(student, cls, kwargs)
    want = expected.state_dict()
    found = layout["shapes"]
    mismatch = {"missing": sorted(set(want) - set(found)), "unexpected": sorted(set(found) - set(want)),
                "wrong_shapes": sorted(k for k in set(want) & set(found) if found[k] != list(want[k].shape))}
    if any(mismatch.values()):
        raise fail(modules.describe_mismatch(cls, mismatch, want, found, ADVICE), mismatch=mismatch)


@check(points=1, kind="property", hint="ResBlock: self.conv = Conv2d(n, n, 3, padding=1, bias=False); self.batch_norm = BatchNorm2d(n).")
def test_resblock_has_the_notes_layers(student: Student) -> None:
    """ResBlock(16) has the notes' conv (no bias) and batch norm, with their shapes"""
    _expect_same_layout(student, "ResBlock", {"n_chans": 16}, reference.ResBlock(16))


@check(points=1, kind="property",
       hint="NetResDeep: conv1 (3 → n_chans1), resblocks (an nn.Sequential of n_blocks ResBlocks), fc1 (8·8·n_chans1 → 32), fc2 (32 → 2).")
def test_netresdeep_has_the_notes_layers(student: Student) -> None:
    """NetResDeep(8, 3) and NetResDeep(5, 2) have conv1, the blocks, fc1 and fc2 with the notes' shapes, and n_chans1"""
    for kwargs in (SMALL, ODD):
        _expect_same_layout(student, "NetResDeep", kwargs, reference.NetResDeep(**kwargs))
        width = student.probe("resnet.width", what=f"NetResDeep({kwargs['n_chans1']}, {kwargs['n_blocks']})", **kwargs)
        if width != {"n_chans1": kwargs["n_chans1"]}:
            raise fail(f"NetResDeep({kwargs['n_chans1']}, {kwargs['n_blocks']}) does not keep its width as the int "
                       f"attribute the stub asks for: set self.n_chans1 = n_chans1 in __init__ (here {kwargs['n_chans1']})")


@check(points=2, kind="property",
       hint="Initialise as the notes do: kaiming_normal_(conv.weight, nonlinearity='relu') (fan_in mode), BN weight 0.5, BN bias 0.")
def test_resblock_initialisation(student: Student, exercise: Exercise, seeded: Callable[[int], int]) -> None:
    """A fresh ResBlock(64) has Kaiming-normal conv weights (fan_in, ReLU), BN weight 0.5 and bias 0"""
    tolerance = exercise.threshold("kaiming_std_tolerance")
    target = math.sqrt(2.0 / (64 * 3 * 3))
    for seed in (seeded(0), seeded(1)):
        layout = _layout(student, "ResBlock", {"n_chans": 64}, seed)
        state = layout["state"]
        for call in layout["calls"]:
            mode = call["arguments"].get("mode")
            if mode not in (None, "fan_in"):
                raise fail(f"ResBlock calls {call['api']} with mode={mode!r}: Kaiming initialisation keeps the "
                           "forward signal's variance with mode='fan_in' (the default)")
        weight = state.get("conv.weight")
        if not isinstance(weight, expect.RemoteTensor):
            raise fail("ResBlock(64) has no conv.weight: name its convolution self.conv")
        std = float(weight.data.double().std())
        if abs(std - target) > tolerance * target:
            raise fail(f"the conv weights of ResBlock(64) have std {std:.4f}; Kaiming normal for ReLU gives "
                       f"sqrt(2 / fan_in) = {target:.4f} (fan_in = 64·3·3)", std=std, expected_std=target)
        centred = weight.data.double() - weight.data.double().mean()
        kurtosis = float((centred**4).mean() / (centred**2).mean() ** 2)
        # A normal sample has kurtosis 3 and a uniform one 1.8; over 36,864 weights the estimate's spread is ~0.03.
        if kurtosis < 2.4:
            raise fail(f"the conv weights of ResBlock(64) have the right std but are not normally distributed "
                       f"(kurtosis {kurtosis:.2f}; a normal sample has 3, a uniform one 1.8): the stub asks for "
                       "Kaiming normal, kaiming_normal_, not kaiming_uniform_", kurtosis=kurtosis)
        for name, value in (("batch_norm.weight", 0.5), ("batch_norm.bias", 0.0)):
            got = state.get(name)
            if not isinstance(got, expect.RemoteTensor) or not torch.all(got.data == value):
                shown = f"{float(got.data.mean()):.3g} on average" if isinstance(got, expect.RemoteTensor) else "missing"
                raise fail(f"ResBlock's {name} should start at {value} everywhere (notes: constant_/zeros_); it is {shown}")


@check(points=3, kind="correctness", hint="ResBlock.forward(x) = relu(batch_norm(conv(x))) + x: the skip is added after the ReLU.")
def test_resblock_forward_matches_reference(student: Student, rng: torch.Generator) -> None:
    """ResBlock(8).forward gives the reference's output, in train and in eval mode"""
    block = reference.ResBlock(8)
    state = modules.random_state(block, rng)
    for train in (True, False):
        x = torch.randn(5, 8, 12, 12, generator=rng)
        with explaining("must match the size", PADDING):
            reply = modules.run_module(student, "ResBlock", {"n_chans": 8}, state, [x], train=train, advice=ADVICE)
        block.load_state_dict(state)
        block.train(train)
        with torch.no_grad():
            expected = block(x)
        mode = "train" if train else "eval"
        modules.expect_outputs(reply, [expected], what=f"ResBlock(8)(x) in {mode} mode",
                               mistakes=[_block_mistakes(state, x, train)])


@check(points=3, kind="correctness",
       hint="NetResDeep.forward: max_pool2d(relu(conv1(x)), 2) → resblocks → max_pool2d(·, 2) → flatten → relu(fc1) → fc2.")
def test_netresdeep_forward_matches_reference(student: Student, rng: torch.Generator) -> None:
    """NetResDeep(8, 3).forward gives the reference's logits [N, 2], in train and in eval mode, N = 1 included"""
    net = reference.NetResDeep(**SMALL)
    state = modules.random_state(net, rng)
    for train, n in ((True, 6), (False, 6), (False, 1)):
        x = torch.randn(n, 3, 32, 32, generator=rng)
        reply = modules.run_module(student, "NetResDeep", SMALL, state, [x], train=train, advice=ADVICE)
        net.load_state_dict(state)
        net.train(train)
        with torch.no_grad():
            expected = net(x)
        modules.expect_outputs(reply, [expected], what=f"NetResDeep(8, 3)(x) in {'train' if train else 'eval'} mode")


@check(points=2, kind="property", hint=SHARED_HINT)
def test_blocks_do_not_share_weights(student: Student) -> None:
    """Each of NetResDeep's blocks has weights of its own"""
    layout = _layout(student, "NetResDeep", {"n_chans1": 8, "n_blocks": 4})
    storages = {name: ptr for name, ptr in layout["storages"].items() if name.startswith("resblocks.")}
    if len(set(storages.values())) < len(storages):
        raise fail(f"NetResDeep(n_blocks=4) has {layout['parameter_tensors']} distinct parameter tensors for "
                   f"{layout['named_parameter_tensors']} parameter names: its blocks share weights. " + SHARED_HINT)


@check(points=1, kind="property", hint="With skip connections, gradients reach the first layer even through 100 blocks.")
def test_gradient_reaches_conv1_through_100_blocks(student: Student, exercise: Exercise,
                                                   seeded: Callable[[int], int]) -> None:
    """A loss on NetResDeep(8, 100) sends a finite, non-zero gradient back to conv1"""
    reply = student.probe("resnet.conv1_gradient", what="NetResDeep(n_chans1=8, n_blocks=100)",
                          n_chans1=8, n_blocks=100, seed=seeded(3))
    grad = reply.get("conv1_grad")
    if not isinstance(grad, expect.RemoteTensor):
        raise fail("no gradient reached conv1 of NetResDeep(8, 100): forward must use conv1 in differentiable operations")
    norm = float(grad.data.double().norm())
    student.details["conv1_grad_norm"] = norm
    if not math.isfinite(norm):
        raise fail(f"the gradient of conv1 through 100 blocks is not finite (norm {norm}): the blocks blow it up")
    if norm < 1e-6:
        raise fail(f"the gradient of conv1 through 100 blocks vanishes (norm {norm:.2e}): add the skip x to each block's output")


@check(points=3, kind="convergence",
       hint="If the layers match the notes, training converges; check the forward and the blocks' initialisation first.")
def test_netresdeep_learns_the_two_class_images(student: Student, exercise: Exercise, rng: torch.Generator) -> None:
    """NetResDeep(8, 3) trained for a few epochs classifies held-out offline images

    The held-out images come from a seed the worker meets only when they are sent, after
    training; the accuracy is counted here from the logits it returns.
    """
    seed, data_seed, val_seed = torch.randint(0, 2**31, (3,), generator=rng).tolist()
    reply = student.probe("resnet.train", what="training NetResDeep(8, 3)", timeout_s=max(student.timeout_s, 120.0),
                          n_chans1=8, n_blocks=3, seed=seed,
                          data_seed=data_seed, images=int(exercise.threshold("train_images")),
                          epochs=int(exercise.threshold("epochs")), lr=1e-2)
    curve = [expect.as_float(v, what="the training loss") for v in reply["curve"]]
    images, labels = convergence.held_out_images(exercise, val_seed)
    logits = student.probe("resnet.predict", what="the trained NetResDeep(8, 3) on held-out images", images=images)
    logits = expect.shaped(logits, (len(images), 2), torch.float32, what="the trained network's logits").data
    accuracy = float((logits.argmax(1) == labels).float().mean())
    convergence.expect_accuracy(student, exercise, accuracy, curve, curve_label="training loss per epoch")


@check(points=1, kind="performance", after=("resblock_has_the_notes_layers", "resblock_forward_matches_reference"),
       hint="Keep forward to the layers themselves: no Python loop over the batch, no copies or .cpu()/.numpy() round trips.")
def test_resblock_throughput(student: Student, reference_solution: Student, exercise: Exercise,
                             rng: torch.Generator) -> None:
    """ResBlock forward+backward keeps at least half the reference's throughput"""
    _expect_speed(student, reference_solution, exercise, rng, "resnet.ResBlock")


@check(points=1, kind="performance",
       after=("netresdeep_has_the_notes_layers", "netresdeep_forward_matches_reference", "blocks_do_not_share_weights"),
       hint="Keep forward to the layers themselves: no Python loop over the batch, no copies or .cpu()/.numpy() round trips.")
def test_netresdeep_throughput(student: Student, reference_solution: Student, exercise: Exercise,
                               rng: torch.Generator) -> None:
    """NetResDeep forward+backward keeps at least half the reference's throughput"""
    _expect_speed(student, reference_solution, exercise, rng, "resnet.NetResDeep")


def _expect_speed(student: Student, reference_solution: Student, exercise: Exercise, rng: torch.Generator,
                  subject: str) -> None:
    throughput.judge(student, reference_solution, subject, reference, rng,
                     floor=exercise.threshold("block_speed_floor"), rounds=int(exercise.threshold("speed_rounds")),
                     advice="look for work done per sample in Python, or tensors copied for nothing")


@check(points=2, kind="correctness", hidden=True,
       hint="Size everything from the arguments: ResBlock(n_chans1) blocks, fc1 = nn.Linear(8 * 8 * n_chans1, 32) "
            "and the flatten out.view(-1, 8 * 8 * self.n_chans1), for any width, odd ones too.")
def test_netresdeep_on_a_fresh_width_and_depth(student: Student, rng: torch.Generator) -> None:
    """NetResDeep gives the reference's logits for an odd width and a depth never seen before, in train and in eval mode"""
    kwargs = {"n_chans1": 2 * int(torch.randint(1, 8, (), generator=rng)) + 1,
              "n_blocks": int(torch.randint(1, 7, (), generator=rng))}
    net = reference.NetResDeep(**kwargs)
    state = modules.random_state(net, rng)
    signature = f"NetResDeep({kwargs['n_chans1']}, {kwargs['n_blocks']})"
    for train in (True, False):
        x = torch.randn(int(torch.randint(2, 13, (), generator=rng)), 3, 32, 32, generator=rng)
        reply = modules.run_module(student, "NetResDeep", kwargs, state, [x], train=train, advice=ADVICE)
        net.load_state_dict(state)
        net.train(train)
        with torch.no_grad():
            expected = net(x)
        modules.expect_outputs(reply, [expected], what=f"{signature}(x) in {'train' if train else 'eval'} mode")
