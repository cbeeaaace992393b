"""Mistake: a Sequential built from an OrderedDict with names (fc1, act, fc2, out), so its state_dict keys are not the notes' 0.weight and 2.weight.

Fails: make_fc_classifier_has_the_notes_layers (failed): lacks '0.weight'
"""
import torch
from torch import nn

from collections import OrderedDict


def make_fc_classifier(n_in, n_hidden, n_out):
    return nn.Sequential(OrderedDict([("fc1", nn.Linear(n_in, n_hidden)), ("act", nn.Tanh()),
                                      ("fc2", nn.Linear(n_hidden, n_out)), ("out", nn.LogSoftmax(dim=1))]))

def train_epoch(model, loader, optimizer, loss_fn):
    device = next(model.parameters()).device
    model.train()
    total, count = 0.0, 0
    for imgs, labels in loader:
        imgs, labels = imgs.to(device), labels.to(device)
        outputs = model(imgs.view(imgs.shape[0], -1))
        loss = loss_fn(outputs, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * labels.shape[0]
        count += labels.shape[0]
    if count == 0:
        raise ValueError("empty loader")
    return total / count
