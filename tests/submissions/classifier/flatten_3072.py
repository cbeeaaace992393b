"""Mistake: flattens with imgs.view(-1, 3072), which only works for 3×32×32 images.

Fails: train_epoch_steps_once_per_batch (error): do not hard-code 3072
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
        outputs = model(imgs.view(-1, 3072))
        loss = loss_fn(outputs, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * labels.shape[0]
        count += labels.shape[0]
    if count == 0:
        raise ValueError("empty loader")
    return total / count
