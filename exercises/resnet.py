"""Exercise ``resnet``: the residual block and the deep residual network of the notes.

From the course notes 002, "very deep models" (skip connections, ``ResBlock``,
``NetResDeep``). You write both ``__init__`` methods and both ``forward`` methods. The
grader compares your modules with the reference ones after loading the same
``state_dict`` into both, so the submodule names and shapes below must match exactly.

Check your work with ``grader check resnet``.
"""

from __future__ import annotations

from torch import Tensor, nn


class ResBlock(nn.Module):
    """One residual block: conv 3x3 -> batch norm -> ReLU, plus the input (the skip)."""

    def __init__(self, n_chans: int) -> None:
        """Create the block's layers and initialise them.

        Submodules (names and settings are checked):
          - ``self.conv``: Conv2d(n_chans, n_chans, kernel_size=3, padding=1, bias=False)
            (no bias: the batch norm that follows has its own);
          - ``self.batch_norm``: BatchNorm2d(num_features=n_chans).
        Initialisation (checked):
          - ``self.conv.weight``: Kaiming normal for ReLU, mode fan_in
            (``torch.nn.init.kaiming_normal_(..., nonlinearity='relu')``), so its std is
            about sqrt(2 / fan_in) with fan_in = n_chans * 3 * 3;
          - ``self.batch_norm.weight``: 0.5 everywhere; ``self.batch_norm.bias``: 0.

        Example (notes 002): ResBlock(32) has conv.weight [32, 32, 3, 3], no conv.bias,
        batch_norm.weight [32] full of 0.5.

        Pitfalls: forgetting ``super().__init__()`` first; a conv bias; padding 0 (the
        skip then no longer fits); BN weight left at its default 1; Kaiming in fan_out mode.
        """
        raise NotImplementedError("ResBlock.__init__: not implemented yet")

    def forward(self, x: Tensor) -> Tensor:
        """relu(batch_norm(conv(x))) + x.

        In:  ``x`` float32 [N, n_chans, H, W].  Out: the same shape.

        Pitfalls: the skip added inside the ReLU (relu(... + x)) or not at all; the ReLU
        before the batch norm.
        """
        raise NotImplementedError("ResBlock.forward: not implemented yet")


class NetResDeep(nn.Module):
    """A deep residual classifier for 32x32 RGB images: conv1, n_blocks ResBlocks, fc1, fc2."""

    def __init__(self, n_chans1: int = 32, n_blocks: int = 10) -> None:
        """Create the network's layers.

        Attributes and submodules (names and shapes are checked):
          - ``self.n_chans1 = n_chans1``;
          - ``self.conv1``: Conv2d(3, n_chans1, kernel_size=3, padding=1);
          - ``self.resblocks``: nn.Sequential of ``n_blocks`` DISTINCT ResBlock(n_chans1),
            so that each block has its own weights;
          - ``self.fc1``: Linear(8 * 8 * n_chans1, 32);
          - ``self.fc2``: Linear(32, 2).

        Example (notes 002): NetResDeep(n_chans1=32, n_blocks=100) -> 100 blocks, each with
        its own conv.weight [32, 32, 3, 3].

        Pitfalls: the notes' own ``nn.Sequential(*(n_blocks * [ResBlock(...)]))``:
        ``n_blocks * [ResBlock(...)]`` repeats ONE block object, so all blocks would share
        weights (the model would really have one block applied n_blocks times). Create a
        new ResBlock for each position instead.
        """
        raise NotImplementedError("NetResDeep.__init__: not implemented yet")

    def forward(self, x: Tensor) -> Tensor:
        """Logits for a batch of images.

        In:  ``x`` float32 [N, 3, 32, 32].  Out: float32 [N, 2] logits.

        The steps, with the shapes for n_chans1 = C:
          conv1 -> relu -> max-pool 2     [N, C, 16, 16]
          resblocks                       [N, C, 16, 16]
          max-pool 2                      [N, C, 8, 8]
          flatten each image              [N, 8 * 8 * C]
          fc1 -> relu                     [N, 32]
          fc2                             [N, 2]

        Pitfalls: the second max-pool forgotten (fc1 then gets 4x too many inputs);
        flattening with a hard-coded 32 instead of ``self.n_chans1``; softmax on the output.
        """
        raise NotImplementedError("NetResDeep.forward: not implemented yet")
