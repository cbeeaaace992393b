"""resnet: the speed subjects of ResBlock and NetResDeep, for the worker that times them and the grader."""

from __future__ import annotations

from grader.shared.exercise import Exercise, freeze
from grader.shared.speed import Subject, forward_backward, images, module_digest, module_setup

EXERCISE = Exercise(
    name="resnet",
    title="Residual blocks and a deep residual network",
    notes="notes 002: 'very deep models'",
    objects=("ResBlock", "NetResDeep"),
    call_timeout_s=60.0,
    thresholds=freeze(
        {
            # Conv weight std must be within this fraction of sqrt(2 / fan_in).
            "kaiming_std_tolerance": 0.10,
            # Reference NetResDeep(8, 3), validation accuracy (min / median / max). With 3
            # epochs: 0.965 / 0.990 / 1.000 on seeds 0-19 of benchmarks/convergence_seeds.py,
            # but on the check's own draws (three 31-bit seeds from the run's seed) 2 of 62
            # runs ended below 0.85 (0.766 and 0.838, training loss already 0.06 and 0.11).
            # With 4 epochs: 0.967 / 0.994 / 1.000 over 20 such draws, 0.990 and 0.998 on those two.
            "min_val_accuracy": 0.85,
            "train_images": 1024,
            "val_images": 512,
            "epochs": 4,
            # Forward+backward throughput relative to the reference (median ratio): a
            # needless copy of the activations costs about 10%, a Python loop over the
            # batch several times.
            "block_speed_floor": 0.5,
            "speed_rounds": 5,
        }
    ),
    order=4,
)


SPEED = {
    "resnet.ResBlock": Subject(
        "resnet", "ResBlock(32) forward+backward, 64 images of 16x16", 64,
        images((64, 32, 16, 16)), module_setup("ResBlock", {"n_chans": 32}), forward_backward, module_digest,
        (1e-3, 1e-4),
    ),
    "resnet.NetResDeep": Subject(
        "resnet", "NetResDeep(16, 4) forward+backward, 32 images of 32x32", 32,
        images((32, 3, 32, 32)), module_setup("NetResDeep", {"n_chans1": 16, "n_blocks": 4}),
        forward_backward, module_digest, (1e-3, 1e-4),
    ),
}
