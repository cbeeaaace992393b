"""Exercise ``regularization``: an L2 penalty, dropout and batch normalisation.

From the course notes 002, "regularization" (``training_loop_l2reg``, ``NetDropout``,
``NetBatchNorm``) and 003 (layers that behave differently in training and in inference:
Keras's ``model(x, training=True)``). In PyTorch the switch is the module's mode:
``model.train()`` / ``model.eval()`` set ``self.training`` on every submodule, and
``nn.Dropout2d`` and ``nn.BatchNorm2d`` follow it. The functional forms do NOT: they take
the mode as an argument, ``F.dropout2d(x, p, training=self.training)``, the PyTorch twin of
Keras's ``training=``.

The grader loads the reference's ``state_dict`` into your modules, so the names and shapes
of the submodules below must match exactly.

Check your work with ``grader check regularization``.
"""

from __future__ import annotations

from torch import Tensor, nn


def l2_penalty(model: nn.Module) -> Tensor:
    """The L2 norm of the notes' ``training_loop_l2reg``: the sum of the squares of every parameter.

    In:  any ``nn.Module``.
    Out: a 0-dim tensor, sum over ``model.parameters()`` of ``p.pow(2).sum()``, still
         attached to the autograd graph (so that ``loss + l2_lambda * l2_penalty(model)``
         sends a gradient 2 * l2_lambda * p to every parameter). Same dtype and device as
         the parameters; a model without parameters gives ``torch.zeros(())``.

    The convention (notes 002): the caller multiplies, ``loss = loss + l2_lambda *
    l2_penalty(model)`` with ``l2_lambda = 0.001``; do not put l2_lambda inside. Since
    d(l2_lambda * p**2)/dp = 2 * l2_lambda * p, one SGD step on that loss moves the
    parameters exactly like ``torch.optim.SGD(model.parameters(), lr, weight_decay=2 *
    l2_lambda)`` on the plain loss (the grader checks this).

    Example: a model whose only parameters are w = [1., 2.] and b = [3.] -> tensor(14.).

    Pitfalls: ``p.norm()`` is the square ROOT of the sum of squares; ``mean`` instead of
    ``sum``; ``abs`` is L1, not L2; ``model.state_dict()`` also holds buffers (batch
    norm's running statistics) and its tensors are detached, so no gradient would flow;
    ``.item()`` or ``float(...)`` detaches too; ``p.pow_(2)`` squares the weights in place.
    """
    raise NotImplementedError("l2_penalty: not implemented yet")


class NetDropout(nn.Module):
    """The notes' CIFAR-2 Net with dropout: whole channels dropped at random while training."""

    def __init__(self, n_chans1: int = 32) -> None:
        """Create the layers (names and shapes are checked through the ``state_dict``).

          - ``self.n_chans1 = n_chans1``;
          - ``self.conv1``: Conv2d(3, n_chans1, kernel_size=3, padding=1);
          - ``self.conv1_dropout``: Dropout2d(p=0.4);
          - ``self.conv2``: Conv2d(n_chans1, n_chans1 // 2, kernel_size=3, padding=1);
          - ``self.conv2_dropout``: Dropout2d(p=0.4);
          - ``self.fc1``: Linear(8 * 8 * (n_chans1 // 2), 32);  ``self.fc2``: Linear(32, 2).

        Example (notes 002): NetDropout() has conv1.weight [32, 3, 3, 3], conv2.weight
        [16, 32, 3, 3], fc1.weight [32, 1024]; NetDropout(16) has fc1.weight [32, 512].

        Pitfalls: a hard-coded 32 (use ``n_chans1``); ``p`` is the probability of DROPPING
        a channel (as Keras's ``Dropout(rate)``), not of keeping it; ``nn.Dropout`` zeroes
        single values, ``nn.Dropout2d`` whole channels, as the notes do.
        """
        raise NotImplementedError("NetDropout.__init__: not implemented yet")

    def forward(self, x: Tensor) -> Tensor:
        """Logits for a batch of images.

        In:  float32 [N, 3, 32, 32].  Out: float32 [N, 2].

          conv1 -> tanh -> max-pool 2 -> conv1_dropout     [N, C, 16, 16]
          conv2 -> tanh -> max-pool 2 -> conv2_dropout     [N, C // 2, 8, 8]
          flatten -> fc1 -> tanh -> fc2                    [N, 2]

        In training mode (``model.train()``) each channel of each image is zeroed with
        probability 0.4 and the survivors are scaled by 1 / (1 - 0.4); in eval mode
        (``model.eval()``) dropout does nothing and the output is deterministic.

        Pitfalls: ``F.dropout2d(out, 0.4)`` without ``training=self.training`` drops in
        eval mode too (its default is training=True); dropout before tanh.
        """
        raise NotImplementedError("NetDropout.forward: not implemented yet")


class NetBatchNorm(nn.Module):
    """The notes' CIFAR-2 Net with batch normalisation before each tanh."""

    def __init__(self, n_chans1: int = 32) -> None:
        """Create the layers (names and shapes are checked through the ``state_dict``).

          - ``self.n_chans1 = n_chans1``;
          - ``self.conv1``: Conv2d(3, n_chans1, kernel_size=3, padding=1);
          - ``self.conv1_batchnorm``: BatchNorm2d(num_features=n_chans1);
          - ``self.conv2``: Conv2d(n_chans1, n_chans1 // 2, kernel_size=3, padding=1);
          - ``self.conv2_batchnorm``: BatchNorm2d(num_features=n_chans1 // 2);
          - ``self.fc1``: Linear(8 * 8 * (n_chans1 // 2), 32);  ``self.fc2``: Linear(32, 2).

        Keep PyTorch's defaults (eps=1e-5, momentum=0.1) and the convs' biases, as the notes.

        Pitfalls: Keras's ``BatchNormalization(momentum=0.99)`` means the opposite of
        PyTorch's ``momentum``: PyTorch's running_mean = (1 - momentum) * running_mean +
        momentum * batch_mean, so leave momentum at 0.1.
        """
        raise NotImplementedError("NetBatchNorm.__init__: not implemented yet")

    def forward(self, x: Tensor) -> Tensor:
        """Logits for a batch of images.

        In:  float32 [N, 3, 32, 32].  Out: float32 [N, 2].

          conv1 -> conv1_batchnorm -> tanh -> max-pool 2   [N, C, 16, 16]
          conv2 -> conv2_batchnorm -> tanh -> max-pool 2   [N, C // 2, 8, 8]
          flatten -> fc1 -> tanh -> fc2                    [N, 2]

        In training mode batch norm uses the batch's mean and variance and updates its
        running statistics; in eval mode it uses the running statistics only, so an
        image's prediction does not depend on the other images of its batch (notes 002).

        Pitfalls: batch norm after tanh (it must normalise what goes INTO tanh);
        ``F.batch_norm(..., training=True)`` in eval mode.
        """
        raise NotImplementedError("NetBatchNorm.forward: not implemented yet")
