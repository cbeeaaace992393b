"""Correct: the notes' loop (batch_size = imgs.shape[0], outputs = model(imgs.view(batch_size, -1))), the layers in a list unpacked into nn.Sequential, the sums kept in plain ints and floats."""
import torch
import torch.nn as nn


def make_fc_classifier(n_in, n_hidden, n_out):
    layers = [nn.Linear(n_in, n_hidden), nn.Tanh(), nn.Linear(n_hidden, n_out), nn.LogSoftmax(dim=1)]
    return nn.Sequential(*layers)


def train_epoch(model, loader, optimizer, loss_fn):
    model.train()
    device = next(iter(model.parameters())).device
    loss_sum = 0.0
    n_samples = 0
    for imgs, labels in loader:
        batch_size = imgs.shape[0]
        imgs = imgs.to(device=device)
        labels = labels.to(device=device)
        outputs = model(imgs.view(batch_size, -1))
        loss = loss_fn(outputs, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        loss_sum += float(loss) * batch_size
        n_samples += batch_size
    if not n_samples:
        raise ValueError("train_epoch: the loader is empty")
    return loss_sum / n_samples
