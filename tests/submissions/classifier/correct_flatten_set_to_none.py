"""Correct: torch.flatten(imgs, start_dim=1), zero_grad(set_to_none=True) at the top of each iteration, the losses collected in a list and averaged with their batch sizes as weights."""
import torch
from torch import nn


def make_fc_classifier(n_in, n_hidden, n_out):
    model = nn.Sequential()
    model.append(nn.Linear(n_in, n_hidden))
    model.append(nn.Tanh())
    model.append(nn.Linear(n_hidden, n_out))
    model.append(nn.LogSoftmax(dim=-1))
    return model


def train_epoch(model, loader, optimizer, loss_fn):
    model.train(True)
    device = next(model.parameters()).device
    losses, sizes = [], []
    for imgs, labels in loader:
        optimizer.zero_grad(set_to_none=True)
        log_probs = model(torch.flatten(imgs.to(device), start_dim=1))
        loss = loss_fn(log_probs, labels.to(device))
        loss.backward()
        optimizer.step()
        losses.append(loss.detach().item())
        sizes.append(len(labels))
    if sum(sizes) == 0:
        raise ValueError("no samples in the loader")
    return sum(l * n for l, n in zip(losses, sizes)) / sum(sizes)
