"""Checks of ``autograd_training``: autograd, an optimizer and a validation split (notes 002 'autograd'; 001 §4)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from grader.catalog import Exercise
from grader.judge import expect
from grader.judge.core import Student, check, explaining, fail
from grader.judge.reference import reference_of
from grader.judge.training import losses_of

reference = reference_of("autograd_training")


NOTES_T_C = torch.tensor([0.5, 14.0, 15.0, 28.0, 11.0, 8.0, 3.0, -4.0, 6.0, 13.0, 21.0])
NOTES_T_UN = 0.1 * torch.tensor([35.7, 55.9, 58.2, 81.9, 56.3, 48.9, 33.9, 21.8, 48.4, 60.4, 68.4])
#: The split behind the notes' printed run (torch.Generator().manual_seed(17) draws it).
NOTES_TRAIN, NOTES_VAL = torch.tensor([5, 6, 4, 9, 0, 1, 3, 8, 7]), torch.tensor([10, 2])
NOTES_DATA = [NOTES_T_UN[NOTES_TRAIN], NOTES_T_UN[NOTES_VAL], NOTES_T_C[NOTES_TRAIN], NOTES_T_C[NOTES_VAL]]
LOOP_HINT = ("Each epoch: train_loss from the training data; the validation loss inside torch.no_grad(); then "
             "optimizer.zero_grad(), train_loss.backward(), optimizer.step(); record both losses with .item().")
Run = tuple[torch.Tensor, list[float], list[float]]


# ----------------------------------------------------------------------------- split


def _split(student: Student, n: int, val_fraction: float, *, generator_seed: int = 0, global_seed: int = 0,
           catch: bool = False) -> dict[str, Any]:
    return student.probe("autograd_training.split", what=f"split_train_val({n}, {val_fraction}, generator)", n=n,
                         val_fraction=val_fraction, generator_seed=generator_seed, global_seed=global_seed, catch=catch)


def _indices(reply: dict[str, Any], *, what: str) -> tuple[list[int], list[int]]:
    result = reply["result"]
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise fail(f"{what} returned {expect.describe(result)}; expected a pair (train_indices, val_indices)")
    for name, value in zip(("train_indices", "val_indices"), result):
        if not isinstance(value, expect.RemoteTensor) or value.data.dim() != 1:
            raise fail(f"{what} returned {name} as {expect.describe(value)}; expected a 1-D tensor of indices")
        if value.dtype != torch.int64:
            raise fail(f"{what} returned {name} of dtype {value.dtype}; expected torch.int64 indices "
                       "(what torch.randperm gives, and what indexing t_u[indices] needs)")
    return result[0].data.tolist(), result[1].data.tolist()


def _expect_partition(student: Student, n: int, val_fraction: float, generator_seed: int = 0) -> None:
    what = f"split_train_val({n}, {val_fraction}, generator)"
    train, val = _indices(_split(student, n, val_fraction, generator_seed=generator_seed), what=what)
    n_val = int(val_fraction * n)
    if (len(train), len(val)) != (n - n_val, n_val):
        why = (f": round down as the notes do, n_val = int(val_fraction * n) = int({val_fraction * n:.4g})"
               if len(val) == round(val_fraction * n) else
               ": the two sets are swapped, return (train_indices, val_indices)"
               if (len(train), len(val)) == (n_val, n - n_val) else "")
        raise fail(f"{what} gave {len(train)} training and {len(val)} validation indices; expected {n - n_val} and "
                   f"{n_val}{why}")
    for name, indices in (("training", train), ("validation", val)):
        repeated = sorted({i for i in indices if indices.count(i) > 1})
        if repeated:
            raise fail(f"{what}: index {repeated[0]} appears more than once among the {name} indices; draw a "
                       "permutation (torch.randperm), not independent random indices (torch.randint)")
    both = sorted(set(train) & set(val))
    if both:
        raise fail(f"{what}: index {both[0]} is in both the training and the validation set; they must be disjoint")
    outside = sorted(set(train + val) - set(range(n)))
    if outside:
        raise fail(f"{what}: index {outside[0]} is not a sample index (0 to {n - 1})")


@check(points=2, kind="correctness",
       hint="n_val = int(val_fraction * n); shuffled = torch.randperm(n, generator=generator); "
            "return shuffled[:-n_val], shuffled[-n_val:].")
def test_split_is_disjoint_and_complete(student: Student, seeded: Callable[[int], int]) -> None:
    """split_train_val(n, f, generator) puts every index in exactly one set, int(f·n) of them in validation"""
    for n, val_fraction in ((11, 0.2), (50, 0.3), (7, 0.5), (10, 0.29)):
        _expect_partition(student, n, val_fraction, generator_seed=seeded(0))


@check(points=2, kind="property",
       hint="Shuffle with torch.randperm(n, generator=generator): the generator alone must decide the split.")
def test_split_is_shuffled_by_the_generator(student: Student, seeded: Callable[[int], int]) -> None:
    """The split is shuffled, decided by the generator alone: same seed, same split; another seed, another split"""
    what = "split_train_val(50, 0.2, generator)"
    one, two = seeded(1), seeded(2)
    first = _indices(_split(student, 50, 0.2, generator_seed=one, global_seed=one), what=what)
    again = _indices(_split(student, 50, 0.2, generator_seed=one, global_seed=two), what=what)
    other = _indices(_split(student, 50, 0.2, generator_seed=two, global_seed=one), what=what)
    if first[0] == list(range(40)) and first[1] == list(range(40, 50)):
        raise fail(f"{what} is not shuffled: the validation set is just the last 10 samples. Shuffle the indices "
                   "with torch.randperm(n, generator=generator) first")
    if first != again:
        raise fail(f"{what} gave two different splits for the same generator seed when torch's global random state "
                   "differed: pass generator=generator to torch.randperm instead of using the global RNG")
    if first == other:
        raise fail(f"{what} gave the same split for generators seeded {one} and {two}: the split must come from the generator")


@check(points=1, kind="property",
       hint="Raise ValueError unless 0 < val_fraction < 1, and when int(val_fraction * n) is 0: no validation set.")
def test_split_rejects_impossible_fractions(student: Student) -> None:
    """split_train_val raises ValueError for fractions outside (0, 1) and when no validation sample would remain"""
    for n, val_fraction in ((10, 0.0), (10, 1.0), (10, 1.5), (10, -0.2), (4, 0.2)):
        what = f"split_train_val({n}, {val_fraction}, generator)"
        reply = _split(student, n, val_fraction, catch=True)
        if "raised" in reply:
            if "ValueError" not in reply["bases"]:
                raise fail(f"{what} raised {reply['raised']}: {reply['message']}; expected ValueError")
            continue
        result = reply["result"]
        sizes = ""
        if isinstance(result, (tuple, list)) and all(isinstance(v, expect.RemoteTensor) for v in result):
            sizes = f" ({' and '.join(str(v.data.numel()) for v in result)} indices)"
            if 0 < val_fraction < 1 and result[0].data.numel() == 0:
                raise fail(f"{what} returned an empty training set and {n} validation indices: with n_val = "
                           f"int({val_fraction} * {n}) = 0, the notes' shuffled[:-n_val] is shuffled[:0]. "
                           "Raise ValueError when no validation sample would remain")
        raise fail(f"{what} returned a split{sizes}; expected ValueError: "
                   + ("no validation sample would remain" if 0 < val_fraction < 1 else
                      "val_fraction must be strictly between 0 and 1"))


@check(points=1, kind="correctness", hidden=True, hint="Every index once, in exactly one of the two sets; int(val_fraction * n) in validation.")
def test_split_is_disjoint_and_complete_on_hidden_sizes(student: Student, rng: torch.Generator) -> None:
    """split_train_val gives a partition of the right sizes for hidden n and val_fraction"""
    n = int(torch.randint(5, 200, (), generator=rng))
    val_fraction = round(float(torch.empty(()).uniform_(0.2, 0.8, generator=rng)), 3)
    _expect_partition(student, n, val_fraction, generator_seed=int(torch.randint(0, 2**31, (), generator=rng)))


# ----------------------------------------------------------------------------- training loop


def _train(student: Student, data: list[torch.Tensor], init: list[float], optimizer: str, lr: float, epochs: int,
           *, watch_validation: bool = False, timeout_s: float | None = None) -> tuple[dict[str, Any], Run]:
    what = f"training_loop({epochs}, {optimizer}(lr={lr:g}), params={init}, ...)"
    with explaining("does not require grad", "the training loss must be computed with autograd on: only the "
                    "validation loss goes inside torch.no_grad()"):
        reply = student.probe("autograd_training.train", what=what, init=init, optimizer=optimizer, lr=lr,
                              n_epochs=epochs, data=data, watch_validation=watch_validation, timeout_s=timeout_s)
    result = reply["result"]
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        raise fail(f"{what} returned {expect.describe(result)}; expected a pair (params, history)")
    params, history = result
    params = expect.shaped(params, (2,), torch.float32, what=f"the params {what} returned").data
    if not isinstance(history, dict) or sorted(history) != ["train_loss", "val_loss"]:
        keys = sorted(history) if isinstance(history, dict) else None
        raise fail(f"{what} returned a history {f'with the keys {keys}' if keys is not None else expect.describe(history)}; "
                   "expected a dict {'train_loss': [...], 'val_loss': [...]}")
    curves = [losses_of(history[key], what=f"{what}: history['{key}']", epochs=epochs) for key in ("train_loss", "val_loss")]
    return reply, (params, *curves)


def _reference(data: list[torch.Tensor], init: list[float], optimizer: str, lr: float, epochs: int,
               order: str = "zbs", validation_in_loss: bool = False, optimizer_step: bool = True) -> Run:
    """The notes' loop with its zero_grad (z), backward (b) and step (s) in ``order``, and other mistakes on request."""
    train_t_u, val_t_u, train_t_c, val_t_c = data
    params = torch.tensor(init, requires_grad=True)
    opt = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam}[optimizer]([params], lr=lr)
    train_curve, val_curve = [], []
    for _ in range(epochs):
        train_loss = reference.loss_fn(reference.model(train_t_u, *params), train_t_c)
        val_loss = reference.loss_fn(reference.model(val_t_u, *params), val_t_c)
        backpropagated = train_loss + val_loss if validation_in_loss else train_loss
        for op in order:
            if op == "z":
                opt.zero_grad()
            elif op == "b":
                backpropagated.backward()
            elif optimizer_step:
                opt.step()
            else:
                with torch.no_grad():
                    params -= lr * params.grad
        train_curve.append(train_loss.item())
        val_curve.append(val_loss.item())
    return params.detach(), train_curve, val_curve


def _expect_run(got: Run, data: list[torch.Tensor], init: list[float], optimizer: str, lr: float, epochs: int,
                what: str) -> None:
    expected = _reference(data, init, optimizer, lr, epochs)
    after = _reference(data, init, optimizer, lr, epochs + 1)
    mistakes = {
        "optimizer.zero_grad() forgotten, so the gradients add up over the epochs":
            _reference(data, init, optimizer, lr, epochs, order="bs"),
        "zero_grad() between backward() and step(), or step() before backward(): the params never move":
            _reference(data, init, optimizer, lr, epochs, order="bzs"),
        "the validation loss added to the loss that is backpropagated (training on the validation set)":
            _reference(data, init, optimizer, lr, epochs, validation_in_loss=True),
        "each epoch's losses recorded after its step instead of before": (after[0], after[1][1:], after[2][1:]),
    }
    if optimizer != "SGD":
        mistakes["params updated by hand (params -= lr * params.grad) instead of optimizer.step()"] = \
            _reference(data, init, optimizer, lr, epochs, optimizer_step=False)
    for index, name in ((1, "history['train_loss']"), (2, "history['val_loss']"), (0, "the params")):
        expect.tensor(torch.tensor(got[index]), torch.tensor(expected[index]), what=f"{name} of {what}", rtol=1e-4,
                      atol=1e-5, mistakes={m: torch.tensor(run[index]) for m, run in mistakes.items()})


@check(points=3, kind="correctness", hint=LOOP_HINT)
def test_training_loop_follows_the_notes_run(student: Student) -> None:
    """training_loop on the notes' split (SGD, lr 1e-2, 25 epochs) gives the reference's params and history

    The notes print epochs 1-3: training 66.5811, 38.8626, 33.3475; validation 142.3890, 64.0434, 39.4590.
    """
    _, got = _train(student, NOTES_DATA, [1.0, 0.0], "SGD", 1e-2, 25)
    _expect_run(got, NOTES_DATA, [1.0, 0.0], "SGD", 1e-2, 25, what="training_loop on the notes' split")


@check(points=2, kind="property",
       hint="Compute the validation loss inside `with torch.no_grad():`; it is only looked at, never backpropagated.")
def test_validation_loss_builds_no_graph(student: Student) -> None:
    """training_loop computes the validation loss with autograd off: no graph is built from the validation data"""
    reply, _ = _train(student, NOTES_DATA, [1.0, 0.0], "SGD", 1e-2, 4, watch_validation=True)
    seen = reply["validation"]
    if not seen["ops"]:
        raise fail("training_loop never computed anything from val_t_u or val_t_c: compute the validation loss "
                   "each epoch from the validation data")
    expect.grad_turned_off(student.reading("training_loop"), what="training_loop",
                           advice="compute the validation loss inside `with torch.no_grad():`")
    if seen["graph_ops"]:
        raise fail(f"observed while running: training_loop computed the validation loss with autograd on: "
                   f"{len(seen['graph_ops'])} operations "
                   f"on the validation data (first: {seen['graph_ops'][0]}) built a graph that is never used; "
                   "compute it inside `with torch.no_grad():`")


@check(points=1, kind="property", hint="The loop trains params; it never changes the data tensors it is given.")
def test_training_loop_leaves_the_data_unchanged(student: Student) -> None:
    """training_loop does not modify the training or validation tensors"""
    sent = [t.clone() for t in NOTES_DATA]
    reply, _ = _train(student, sent, [1.0, 0.0], "SGD", 1e-2, 3)
    names = ["train_t_u", "val_t_u", "train_t_c", "val_t_c"]
    expect.data_unchanged(dict(zip(names, sent)), reply.get("data_after"), what="training_loop")


@check(points=2, kind="convergence", hint=LOOP_HINT)
def test_training_loop_reaches_the_notes_losses(student: Student, exercise: Exercise) -> None:
    """After the notes' 3000 epochs (SGD, lr 1e-2): training loss ≤ 3.02 (notes: 3.0125, validation 3.5756)

    Both losses are computed here from the params the loop returns.
    """
    epochs = int(exercise.threshold("epochs"))
    _, (params, _, _) = _train(student, NOTES_DATA, [1.0, 0.0], "SGD", 1e-2, epochs,
                               timeout_s=max(student.timeout_s, 60.0))
    train_t_u, val_t_u, train_t_c, val_t_c = (t.double() for t in NOTES_DATA)
    w, b = params.double()
    train_loss = float(reference.loss_fn(reference.model(train_t_u, w, b), train_t_c))
    val_loss = float(reference.loss_fn(reference.model(val_t_u, w, b), val_t_c))
    threshold = exercise.threshold("max_train_loss")
    student.details.update({"train_loss": train_loss, "val_loss": val_loss, "threshold": threshold})
    if not train_loss <= threshold:
        raise fail(f"after {epochs} epochs the params are [{w:.4f}, {b:.4f}]: training loss {train_loss:.4f}, validation "
                   f"loss {val_loss:.4f}; expected a training loss ≤ {threshold:g} (the notes: 3.0125 and 3.5756 at "
                   "[5.1964, −16.7512])")


@check(points=1, kind="correctness", hidden=True, hint=LOOP_HINT + " Let the optimizer you are given do the update.")
def test_training_loop_uses_the_optimizer_it_is_given(student: Student, rng: torch.Generator) -> None:
    """training_loop with an Adam optimizer on hidden data gives the reference's params and history"""
    t_u = torch.randn(16, generator=rng)
    t_c = 2 * t_u + 1 + 0.2 * torch.randn(16, generator=rng)
    data = [t_u[:12], t_u[12:], t_c[:12], t_c[12:]]
    init = [round(v, 4) for v in torch.randn(2, generator=rng).tolist()]
    epochs = int(torch.randint(10, 30, (), generator=rng))
    _, got = _train(student, data, init, "Adam", 0.1, epochs)
    _expect_run(got, data, init, "Adam", 0.1, epochs, what="training_loop with Adam on hidden data")
