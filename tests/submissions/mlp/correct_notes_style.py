"""Correct: the notes' code as printed: nn.Sequential, criterion = nn.MSELoss(), the update under torch.no_grad(), model.zero_grad(), a print every 500 epochs."""
import torch
import torch.nn as nn


def make_mlp():
    model = nn.Sequential(
        nn.Linear(1, 32),
        nn.Tanh(),
        nn.Linear(32, 32),
        nn.Tanh(),
        nn.Linear(32, 1)
    )
    return model


def fit(model, x, y, lr, epochs):
    criterion = nn.MSELoss()
    learning_rate = lr
    losses = []
    for epoch in range(epochs):
        y_hat = model(x)

        loss = criterion(y_hat, y)
        loss.backward()

        with torch.no_grad():
            for param in model.parameters():
                param -= learning_rate * param.grad

        model.zero_grad()
        losses.append(loss.item())

        if epoch % 500 == 0:
            print(f"Epoch {epoch:4} | Loss: {loss.item():.4f}")
    return losses
