"""resnet: the speed subjects of ResBlock and NetResDeep, for the worker that times them and the grader."""

from __future__ import annotations

from grader.shared.speed import Subject, forward_backward, images, module_digest, module_setup

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
