"""Correct, but one_hot encodes every batch twice: it costs twice the reference's time."""
import torch


def one_hot(target, num_classes):
    encoded = None
    for _ in range(2):
        encoded = torch.zeros(len(target), num_classes).scatter_(1, target.long().unsqueeze(1), 1.0)
    return encoded
