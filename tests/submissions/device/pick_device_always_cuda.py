"""Mistake: pick_device() returns the GPU without asking whether there is one.

Fails: pick_device_prefers_cuda_when_available (failed): ask torch.cuda.is_available()
"""
import torch


def pick_device():
    return torch.device("cuda")


def training_loop(n_epochs, optimizer, model, loss_fn, train_loader, device):
    losses = []
    for epoch in range(1, n_epochs + 1):
        loss_train = 0.0
        for imgs, labels in train_loader:
            imgs = imgs.to(device=device)
            labels = labels.to(device=device)
            outputs = model(imgs)
            loss = loss_fn(outputs, labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss_train += loss.item()
        losses.append(loss_train / len(train_loader))
    return losses
