"""Correct: moves batches with non_blocking=True, sums detached losses on the device and reads the sum once per
epoch, and names the GPU 'cuda:0'."""
import torch


def pick_device():
    if torch.cuda.is_available():
        return torch.device("cuda", 0)
    return torch.device("cpu")


def training_loop(n_epochs, optimizer, model, loss_fn, train_loader, device):
    device = torch.device(device)
    epoch_losses = []
    for _ in range(n_epochs):
        total = torch.zeros((), device=device)
        batches = 0
        for imgs, labels in train_loader:
            imgs, labels = imgs.to(device, non_blocking=True), labels.to(device, non_blocking=True)
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(imgs), labels)
            loss.backward()
            optimizer.step()
            total += loss.detach()
            batches += 1
        epoch_losses.append(total.item() / batches)
    return epoch_losses
