"""Mistake: never calls optimizer.zero_grad(), so gradients accumulate across batches.

Fails: training_loop_matches_the_notes_loop_on_cpu (failed): never calling optimizer.zero_grad()
"""
import torch


def pick_device():
    return torch.device("cuda") if torch.cuda.is_available() else torch.device("cpu")


def training_loop(n_epochs, optimizer, model, loss_fn, train_loader, device):
    losses = []
    for epoch in range(1, n_epochs + 1):
        loss_train = 0.0
        for imgs, labels in train_loader:
            imgs = imgs.to(device=device)
            labels = labels.to(device=device)
            outputs = model(imgs)
            loss = loss_fn(outputs, labels)
            loss.backward()
            optimizer.step()
            loss_train += loss.item()
        losses.append(loss_train / len(train_loader))
    return losses
