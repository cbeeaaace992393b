"""Mistake: puts the loss tensor itself, with its graph, in the logs.

Fails: logs_hold_python_floats (failed): still attached to the autograd graph
"""
import torch


def train_step(model, optimizer, loss_fn, inputs, targets, metrics, loss_tracker=None):
    model.train()
    predictions = model(inputs)
    loss = loss_fn(predictions, targets)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    logs = {}
    for metric in metrics:
        metric.update_state(targets, predictions.detach())
        logs[metric.name] = metric.result()
    if loss_tracker is not None:
        loss_tracker.update_state(loss.item())
        logs["loss"] = loss_tracker.result()
    else:
        logs["loss"] = loss
    return logs


def test_step(model, loss_fn, inputs, targets, metrics, loss_tracker=None):
    model.eval()
    with torch.no_grad():
        predictions = model(inputs)
        loss = loss_fn(predictions, targets)
    logs = {}
    for metric in metrics:
        metric.update_state(targets, predictions)
        logs["val_" + metric.name] = metric.result()
    if loss_tracker is not None:
        loss_tracker.update_state(loss.item())
        logs["val_loss"] = loss_tracker.result()
    else:
        logs["val_loss"] = loss.item()
    return logs
