"""Correct: the notes' Keras step translated line by line: gradients with torch.autograd.grad over the trainable
parameters only, assigned to .grad before optimizer.step(); test_step under torch.inference_mode()."""
import torch


def train_step(model, optimizer, loss_fn, inputs, targets, metrics, loss_tracker=None):
    model.train()
    predictions = model(inputs)
    loss = loss_fn(predictions, targets)
    trainable_weights = [p for p in model.parameters() if p.requires_grad]
    gradients = torch.autograd.grad(loss, trainable_weights)
    for weight, gradient in zip(trainable_weights, gradients):
        weight.grad = gradient
    optimizer.step()
    logs = {}
    for metric in metrics:
        metric.update_state(targets, predictions.detach())
        logs[metric.name] = float(metric.result())
    if loss_tracker is None:
        logs["loss"] = float(loss.detach())
    else:
        loss_tracker.update_state(loss.detach())
        logs["loss"] = float(loss_tracker.result())
    return logs


def test_step(model, loss_fn, inputs, targets, metrics, loss_tracker=None):
    model.eval()
    with torch.inference_mode():
        predictions = model(inputs)
        loss = loss_fn(predictions, targets)
    logs = {}
    for metric in metrics:
        metric.update_state(targets, predictions)
        logs["val_" + metric.name] = float(metric.result())
    if loss_tracker is None:
        logs["val_loss"] = loss.item()
    else:
        loss_tracker.update_state(loss.item())
        logs["val_loss"] = float(loss_tracker.result())
    return logs
