"""Mistake: training_loop treats device as a string (device.startswith("cuda")), so the torch.device that pick_device() gives, which the stub promises is accepted, makes it raise.

Fails: training_loop_returns_floats (error): torch.device
"""
import datetime

import torch


def pick_device():
    device = (torch.device('cuda') if torch.cuda.is_available()
              else torch.device('cpu'))
    print(f"Training on device {device}.")
    return device


def training_loop(n_epochs, optimizer, model, loss_fn, train_loader, device):
    history = []
    for epoch in range(1, n_epochs + 1):
        loss_train = 0.0
        for imgs, labels in train_loader:
            fast = device.startswith("cuda")
            imgs = imgs.to(device=device, non_blocking=fast)
            labels = labels.to(device=device, non_blocking=fast)
            outputs = model(imgs)
            loss = loss_fn(outputs, labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss_train += loss.item()
        if epoch == 1 or epoch % 10 == 0:
            print('{} Epoch {}, Training loss {}'.format(
                datetime.datetime.now(), epoch,
                loss_train / len(train_loader)))
        history.append(loss_train / len(train_loader))
    return history
