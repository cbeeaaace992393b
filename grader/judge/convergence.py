"""The convergence judgement: a model the student's code trained, scored on held-out images here.

The worker trains; the grader loads what it sends back into its own network (or takes the
logits of the student's) and counts the accuracy itself, on images the worker never sees.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from grader.catalog import Exercise
from grader.judge import expect
from grader.judge.core import Student, fail
from grader.shared.data.images import two_class_images


def held_out_images(exercise: Exercise, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The exercise's held-out offline images (``val_images`` of them) and their labels, from ``seed``."""
    return two_class_images(int(exercise.threshold("val_images")), seed)


def trained(model: nn.Module, state: Any) -> nn.Module:
    """``model`` with the weights the worker sent back, each checked for its shape and dtype."""
    model.load_state_dict({k: expect.shaped(state.get(k), tuple(v.shape), v.dtype, what=f"the trained '{k}'").data
                           for k, v in model.state_dict().items()})
    return model


def accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> float:
    """The share of ``images`` that ``model``, in eval mode, classifies as ``labels``."""
    with torch.no_grad():
        return float((model.eval()(images).argmax(1) == labels).float().mean())


def expect_accuracy(student: Student, exercise: Exercise, accuracy: float, curve: list[float], *, curve_label: str,
                    trained: str = "the network", epochs: str | None = None) -> None:
    """Fail unless ``accuracy`` reaches the exercise's ``min_val_accuracy``; the curve goes in the report either way.

    ``epochs`` words the training (``"3 epochs of train_step"``); by default, one epoch per point of the curve.
    """
    threshold = exercise.threshold("min_val_accuracy")
    student.details.update({"curve": curve, "curve_label": curve_label, "val_accuracy": accuracy,
                            "min_val_accuracy": threshold})
    if accuracy < threshold:
        raise fail(f"after {epochs or f'{len(curve)} epochs'} {trained} classifies {accuracy:.1%} of held-out images "
                   f"correctly; at least {threshold:.0%} is expected (losses per epoch: "
                   f"{', '.join(f'{v:.3f}' for v in curve)})")
