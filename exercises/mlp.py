"""Exercise ``mlp``: a small multilayer perceptron fitted to a curve, with the update written by hand.

From the course notes 000 ("稍微難一點的code" and its exercise): a network of two hidden
layers of 32 tanh units learns y = sin(x) on [-π, π]; the exercise asks the same for
y = x³ + 2x + 1 on [-5, 5]. No ``torch.optim`` here: you write the gradient-descent step
yourself, ``param -= learning_rate * param.grad`` inside ``torch.no_grad()``.

Check your work with ``grader check mlp``.
"""

from __future__ import annotations

from torch import Tensor, nn


def make_mlp() -> nn.Module:
    """A fresh network, as the notes build it:

        nn.Sequential(nn.Linear(1, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1))

    In (forward): x of shape [N, 1]. Out: predictions [N, 1]. 1153 parameters, in this
    order: weight [32, 1], bias [32], weight [32, 32], bias [32], weight [1, 32], bias [1].

    Every call returns a NEW network with new random weights (do not seed the RNG here and
    do not return one module built once at import).

    Pitfalls: ReLU instead of tanh (the notes' curve is smooth; tanh is the lesson); a
    tanh after the last layer (the output must reach any value, not only (-1, 1)); a
    hidden layer missing.
    """
    raise NotImplementedError("make_mlp: not implemented yet")


def fit(model: nn.Module, x: Tensor, y: Tensor, lr: float, epochs: int) -> list[float]:
    """Full-batch gradient descent on the mean squared error, with a hand-written update.

    Each epoch, as the notes:
        y_hat = model(x); loss = nn.MSELoss()(y_hat, y); loss.backward()
        with torch.no_grad():
            for param in model.parameters():
                param -= lr * param.grad
        model.zero_grad()
    and record loss.item() (the loss BEFORE that epoch's update).

    In:  ``model`` any module mapping [N, 1] to [N, 1]; ``x``, ``y`` float [N, 1];
         ``lr`` > 0; ``epochs`` >= 0 (note the order: lr, then epochs).
    Out: a list of ``epochs`` Python floats. The model is trained in place; x and y are
         left as they were.

    Examples (notes 000):
      - sin on 100 points of [-π, π]: the notes' lr 0.01 for 5000 epochs ends near a loss
        of 0.002 (below 0.01 for every seed); lr 0.05 for 1000 epochs follows the same
        path five times faster and ends at the same loss.
      - y = x³ + 2x + 1 on [-5, 5]: with the raw targets (hundreds) the notes' lr 0.01
        makes steps so large that training jumps around (final losses from 7 to over
        1000 depending on the seed). Standardise the targets first, (y - mean) / std,
        as the thermometer's 0.1 · t_u taught: then lr 0.05 for 1000 epochs brings the
        loss (in standard units) to about 0.02, under 0.04 for every seed.

    Pitfalls: no torch.optim (this exercise is the update itself); forgetting
    model.zero_grad() (gradients add up); ``param = param - lr * param.grad`` (rebinds a
    name, the model does not change); the update outside torch.no_grad() (PyTorch
    refuses an in-place change of a leaf that requires grad); ``+=`` instead of ``-=``.
    """
    raise NotImplementedError("fit: not implemented yet")
