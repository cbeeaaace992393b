"""Correct: a custom nn.Module (fc1, fc2, fc3 with torch.tanh in forward), the update with p.data.add_(p.grad, alpha=-lr), gradients cleared with p.grad = None."""
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(1, 32)
        self.fc2 = nn.Linear(32, 32)
        self.fc3 = nn.Linear(32, 1)

    def forward(self, x):
        h = torch.tanh(self.fc1(x))
        h = torch.tanh(self.fc2(h))
        return self.fc3(h)


def make_mlp():
    return Net()


def fit(model, x, y, lr, epochs):
    history = []
    params = list(model.parameters())
    for _ in range(epochs):
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        for p in params:
            p.data.add_(p.grad, alpha=-lr)
            p.grad = None
        history.append(float(loss))
    return history
