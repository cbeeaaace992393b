"""Mistake: no map_location: a checkpoint written on a GPU cannot be read on a machine without CUDA.

Fails: load_reads_a_gpu_checkpoint_on_a_cpu_machine (failed): map_location='cpu'
"""
import torch


def save(model, path):
    torch.save(model.state_dict(), path)


def load(model_cls, path, **kwargs):
    model = model_cls(**kwargs)
    model.load_state_dict(torch.load(path, weights_only=True))
    return model
