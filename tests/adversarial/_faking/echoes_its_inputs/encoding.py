"""Hostile: one_hot raises an error naming the labels it was given, so the report shows the inputs a
check sends: memorised from a public run, they would give away every answer of a run that reuses them."""


def one_hot(target, num_classes):
    raise ValueError(f"inputs seen: {target.tolist()}")


def one_hot_along(indices, num_classes, dim):
    raise ValueError(f"inputs seen: {indices.flatten().tolist()[:50]}")
