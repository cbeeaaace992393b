"""Correct: F.mse_loss(reduction="sum"), the layer called fc, lr passed positionally, and zero_grad() at the end of each epoch."""
import torch.nn.functional as F
from torch import nn, optim


class LinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(in_features=1, out_features=1)

    def forward(self, x):
        return self.fc(x)


def train(model, x, y, epochs, lr):
    optimizer = optim.SGD(model.parameters(), lr)
    losses = []
    for _ in range(epochs):
        loss = F.mse_loss(model(x), y, reduction="sum")
        losses.append(float(loss))
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    return losses
