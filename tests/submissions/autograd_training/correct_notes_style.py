"""Correct: the notes' code: n_val = int(0.2 * n_samples)-style split with explicit checks, and the notes' loop printing epochs 1-3 and every 500."""
import torch


def model(t_u, w, b):
    return w * t_u + b


def loss_fn(t_p, t_c):
    squared_diffs = (t_p - t_c)**2
    return squared_diffs.mean()


def split_train_val(n, val_fraction, generator):
    if val_fraction <= 0 or val_fraction >= 1:
        raise ValueError("val_fraction must be between 0 and 1")
    n_samples = n
    n_val = int(val_fraction * n_samples)
    if n_val < 1:
        raise ValueError("no validation samples")
    shuffled_indices = torch.randperm(n_samples, generator=generator)
    train_indices = shuffled_indices[:-n_val]
    val_indices = shuffled_indices[-n_val:]
    return train_indices, val_indices


def training_loop(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    history = {"train_loss": [], "val_loss": []}
    for epoch in range(1, n_epochs + 1):
        train_t_p = model(train_t_u, *params)
        train_loss = loss_fn(train_t_p, train_t_c)
        with torch.no_grad():
            val_t_p = model(val_t_u, *params)
            val_loss = loss_fn(val_t_p, val_t_c)
            assert val_loss.requires_grad == False
        optimizer.zero_grad()
        train_loss.backward()
        optimizer.step()
        history["train_loss"].append(train_loss.item())
        history["val_loss"].append(val_loss.item())
        if epoch <= 3 or epoch % 500 == 0:
            print(f'Epoch {epoch}, Training loss {train_loss.item():.4f},'f'Validation loss {val_loss.item():.4f}')
    return params, history
