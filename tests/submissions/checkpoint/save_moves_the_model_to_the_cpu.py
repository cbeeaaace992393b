"""Mistake: model.cpu() before saving moves the caller's model off the GPU.

Fails with CUDA: save_leaves_a_gpu_model_on_the_gpu (failed): moved the caller's model off the GPU
"""
import torch


def save(model, path):
    torch.save(model.cpu().state_dict(), path)


def load(model_cls, path, **kwargs):
    model = model_cls(**kwargs)
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return model
