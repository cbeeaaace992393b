"""Exercise ``encoding``: one-hot encoding of integer labels with ``scatter_``.

From the course notes 002: the wine-quality target (scores 0..9 turned into a [4898, 10]
one-hot matrix) and the bike-sharing weather codes (a [730, 24] tensor of codes turned into
a [730, 4, 24] one-hot tensor, one channel per weather type).

Build the result with ``Tensor.scatter_`` on a tensor of zeros, as the notes do. Calling
``torch.nn.functional.one_hot`` is not allowed, and neither is a Python loop over the
labels (the check times you on a million labels). Never modify the input tensor, and put
the result on the same device as the input.

Check your work with ``grader check encoding``.
"""

from __future__ import annotations

from torch import Tensor


def one_hot(target: Tensor, num_classes: int) -> Tensor:
    """One-hot encode a 1-D tensor of integer labels.

    In:  ``target`` [N] of an integer dtype (e.g. torch.long), every label in
         [0, num_classes); ``num_classes`` = C.
    Out: float32 [N, C] with a 1.0 at (n, target[n]) and 0.0 everywhere else.
         An empty target [0] gives an empty float32 [0, C].

    Errors, checked in this order:
      - labels of a non-integer dtype (float, complex or bool) -> TypeError naming the dtype;
      - any label < 0 or >= num_classes -> ValueError whose message contains that label,
        e.g. "label 10 is out of range for num_classes=10".

    Example (notes 002, wine quality): ``torch.zeros(target.shape[0], 10)`` then
    ``scatter_(1, target.unsqueeze(1), 1.0)``; one_hot(torch.tensor([6, 0, 9]), 10)
    -> rows with their single 1.0 in columns 6, 0 and 9.

    Pitfalls: an off-by-one shift (label k goes to column k; the notes' ``- 1`` belongs to
    the raw weather codes 1..4, not here); scattering along dim 0; returning an integer tensor; ``target.unsqueeze_(1)`` changes
    the caller's tensor (use ``unsqueeze``); scatter_ wants a torch.long index.
    """
    raise NotImplementedError("one_hot: not implemented yet")


def one_hot_along(indices: Tensor, num_classes: int, dim: int) -> Tensor:
    """One-hot encode integer labels of any shape, with the class axis inserted at ``dim``.

    In:  ``indices`` of any shape with k dimensions, integer dtype, values in
         [0, num_classes); ``dim`` follows ``unsqueeze``'s convention, -(k+1) <= dim <= k.
    Out: float32, the shape of ``indices.unsqueeze(dim)`` with size ``num_classes`` at
         ``dim``; out is 1.0 where the position along ``dim`` equals the label, else 0.0.
         Empty input gives an empty result of that shape.

    Errors: the same as ``one_hot`` (TypeError for the dtype first, then ValueError naming
    an out-of-range label).

    Example (notes 002, bike weather): codes of shape [730, 24] with values 0..3
    (the notes subtract 1 from the raw codes 1..4 first), dim=1 -> [730, 4, 24]:
    ``torch.zeros(730, 4, 24).scatter_(1, codes.unsqueeze(1), 1.0)``.
    A negative dim counts from the end: dim=-1 puts the classes last, [730, 24, 4].

    Pitfalls: unsqueeze and scatter along the SAME dim; build the zeros' shape from the
    input's shape (do not hard-code 730 or 24); a negative dim; float32 output; do not
    change the input in place.
    """
    raise NotImplementedError("one_hot_along: not implemented yet")
