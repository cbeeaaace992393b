"""Mistake: calls optimizer.step() right after zero_grad(), before loss.backward(), so it never sees a gradient.

Fails: train_epoch_steps_once_per_batch (failed): it comes before backward()
"""
import torch
from torch import nn

def make_fc_classifier(n_in, n_hidden, n_out):
    return nn.Sequential(nn.Linear(n_in, n_hidden), nn.Tanh(), nn.Linear(n_hidden, n_out), nn.LogSoftmax(dim=1))

def train_epoch(model, loader, optimizer, loss_fn):
    device = next(model.parameters()).device
    model.train()
    total, count = 0.0, 0
    for imgs, labels in loader:
        imgs, labels = imgs.to(device), labels.to(device)
        outputs = model(imgs.view(imgs.shape[0], -1))
        loss = loss_fn(outputs, labels)
        optimizer.zero_grad()
        optimizer.step()
        loss.backward()
        total += loss.item() * labels.shape[0]
        count += labels.shape[0]
    if count == 0:
        raise ValueError("empty loader")
    return total / count
