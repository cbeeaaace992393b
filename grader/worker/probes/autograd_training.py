"""Probes of ``autograd_training``: the split with a seeded generator, and the training loop with a real optimizer."""

from __future__ import annotations

from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from grader.worker.context import ProbeContext, raised
from grader.worker.probes import probe

OPTIMIZERS = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam}
#: Taken from torch's C core when the zygote imports the probes, before any student code can replace it.
_grad_enabled = torch._C.is_grad_enabled


class ValidationWatch(TorchFunctionMode):
    """Follows every tensor computed from the validation data; notes whether any joins an autograd graph."""

    def __init__(self, validation: list[torch.Tensor]) -> None:
        super().__init__()
        self.derived = list(validation)  # kept alive so that their ids stay theirs
        self.ids = {id(t) for t in validation}
        self.ops = 0
        self.graph_ops: list[str] = []
        self.grad_enabled: list[bool] = []

    def __torch_function__(self, func: Any, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        kwargs = kwargs or {}
        result = func(*args, **kwargs)
        inputs = [*args, *kwargs.values()]
        inputs += [item for value in inputs if isinstance(value, (list, tuple)) for item in value]
        if any(id(value) in self.ids for value in inputs):
            self.ops += 1
            self.grad_enabled.append(_grad_enabled())
            outputs = result if isinstance(result, (list, tuple)) else [result]
            for output in outputs:
                if isinstance(output, torch.Tensor):
                    self.derived.append(output)
                    self.ids.add(id(output))
                    if output.requires_grad:
                        self.graph_ops.append(getattr(func, "__name__", str(func)))
        return result


@probe
def split(ctx: ProbeContext, n: int, val_fraction: float, generator_seed: int, global_seed: int,
          catch: bool = False) -> dict[str, Any]:
    """``split_train_val(n, val_fraction, generator)`` with the global RNG and the generator seeded apart."""
    torch.manual_seed(global_seed)
    generator = torch.Generator().manual_seed(generator_seed)
    split_fn = ctx.obj("autograd_training", "split_train_val")
    try:
        return {"result": split_fn(n, val_fraction, generator)}
    except NotImplementedError:
        raise
    except Exception as exc:
        if not catch:
            raise
        return raised(exc, 500)


@probe
def train(ctx: ProbeContext, init: list[float], optimizer: str, lr: float, n_epochs: int, data: list[torch.Tensor],
          watch_validation: bool = False) -> dict[str, Any]:
    """``training_loop`` on params ``init`` with a fresh ``optimizer``; data = [train_t_u, val_t_u, train_t_c, val_t_c].

    Reports what it returned, the params the optimizer holds afterwards, the data tensors as
    they are afterwards (the grader compares them with what it sent) and, with
    ``watch_validation``, how the validation data were used.
    """
    params = torch.tensor(init, requires_grad=True, device=ctx.device)
    opt = OPTIMIZERS[optimizer]([params], lr=lr)
    data = ctx.to_device(list(data))
    loop = ctx.obj("autograd_training", "training_loop")
    if watch_validation:
        watch = ValidationWatch([data[1], data[3]])
        with watch:
            result = loop(n_epochs, opt, params, *data)
        validation = {"ops": watch.ops, "graph_ops": watch.graph_ops[:10], "grad_enabled": watch.grad_enabled[:50]}
    else:
        result = loop(n_epochs, opt, params, *data)
        validation = None
    return {"result": result, "params": params.detach(), "validation": validation, "data_after": dict(zip(("train_t_u", "val_t_u", "train_t_c", "val_t_c"), data))}
