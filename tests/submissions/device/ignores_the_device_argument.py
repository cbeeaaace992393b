"""Mistake: moves the batches to pick_device() instead of the device it is given.

Fails: every_batch_is_moved_to_the_given_device (failed): use the `device` argument
"""
import torch


def pick_device():
    return torch.device("cuda") if torch.cuda.is_available() else torch.device("cpu")


def training_loop(n_epochs, optimizer, model, loss_fn, train_loader, device):
    losses = []
    for epoch in range(1, n_epochs + 1):
        loss_train = 0.0
        for imgs, labels in train_loader:
            imgs = imgs.to(device=pick_device())
            labels = labels.to(device=pick_device())
            outputs = model(imgs)
            loss = loss_fn(outputs, labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss_train += loss.item()
        losses.append(loss_train / len(train_loader))
    return losses
