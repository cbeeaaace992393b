"""Exercise ``convnet``: the ``forward`` of the notes' small CIFAR-2 network.

From the course notes 002, "nn.Module subclass" and its functional-API version. ``__init__``
is given: it registers only the layers that have parameters (conv1, conv2, fc1, fc2;
18,090 parameters in all). You write ``forward`` with ``torch.tanh`` and
``torch.nn.functional.max_pool2d`` for the parameter-free steps.

Check your work with ``grader check convnet``.
"""

from __future__ import annotations

from torch import Tensor, nn


class Net(nn.Module):
    """Bird-or-airplane classifier for 32x32 RGB images: two conv stages, two linear layers."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(16, 8, kernel_size=3, padding=1)
        self.fc1 = nn.Linear(8 * 8 * 8, 32)
        self.fc2 = nn.Linear(32, 2)

    def forward(self, x: Tensor) -> Tensor:
        """Logits for a batch of images.

        In:  ``x`` float32 [N, 3, 32, 32].
        Out: float32 [N, 2], raw scores (logits), one row per image.

        The steps, with the shapes (notes 002):
          conv1 -> tanh -> max-pool 2     [N, 16, 32, 32] -> [N, 16, 16, 16]
          conv2 -> tanh -> max-pool 2     [N, 8, 16, 16]  -> [N, 8, 8, 8]
          flatten each image              [N, 8 * 8 * 8] = [N, 512]
          fc1 -> tanh                     [N, 32]
          fc2                             [N, 2]

        Example: ``Net()(torch.randn(7, 3, 32, 32)).shape == torch.Size([7, 2])``.

        Pitfalls: ReLU instead of tanh; a pool missing, or average pooling instead of max;
        tanh forgotten after fc1; softmax on the output (the loss wants logits); flattening
        in another order than C, H, W (``out.view(-1, 8 * 8 * 8)`` or ``out.flatten(1)``,
        not a permute first); new layers created inside ``forward``.
        """
        raise NotImplementedError("Net.forward: not implemented yet")
