"""regularization: the model whose penalties both sides compute."""

from __future__ import annotations

from torch import nn

from grader.shared.exercise import Exercise, freeze

EXERCISE = Exercise(
    name="regularization",
    title="L2 penalty, dropout and batch norm",
    notes="notes 002: L2, dropout, batch norm; 003 training=",
    objects=('l2_penalty', 'NetDropout', 'NetBatchNorm'),
    call_timeout_s=60.0,
    thresholds=freeze(
        {
            # Reference NetBatchNorm(8), loss + 0.001·l2_penalty, SGD(lr=1e-2, momentum=0.9), batch 64,
            # this budget, 20 seeds: held-out accuracy 0.908 / 0.980 / 0.996 (min / median / max).
            # 512 images for 2 epochs gave 0.730 / 0.898 / 0.967: too close to chance at its worst.
            "min_val_accuracy": 0.80,
            "train_images": 1024,
            "val_images": 512,
            "epochs": 2,
        }
    ),
    order=14,
)


#: Input shape of :func:`penalty_model`, without the batch dimension.
PENALTY_INPUT = (3, 6, 6)


def penalty_model(width: int = 4) -> nn.Sequential:
    """A small model with weights, biases and batch-norm buffers: [N, 3, 6, 6] -> [N, 3]."""
    return nn.Sequential(nn.Conv2d(3, width, 3), nn.BatchNorm2d(width), nn.Tanh(), nn.Flatten(),
                         nn.Linear(width * 4 * 4, 3))
