"""Mistake: leaves out the final LogSoftmax, so the model returns raw scores that NLLLoss treats as log-probabilities.

Fails: make_fc_classifier_outputs_log_probabilities (failed): no LogSoftmax at the end
"""
import torch
from torch import nn

def make_fc_classifier(n_in, n_hidden, n_out):
    return nn.Sequential(nn.Linear(n_in, n_hidden), nn.Tanh(), nn.Linear(n_hidden, n_out))

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
