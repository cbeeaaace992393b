"""Correct: one helper for both steps, switching mode with model.train(training) and autograd with
torch.set_grad_enabled(training), building the logs with a prefix."""
import torch


def _forward(model, loss_fn, inputs, targets, training):
    model.train(training)
    with torch.set_grad_enabled(training):
        predictions = model(inputs)
        return predictions, loss_fn(predictions, targets)


def _logs(prefix, metrics, loss_tracker, targets, predictions, loss):
    logs = {}
    for metric in metrics:
        metric.update_state(targets, predictions.detach())
        logs[f"{prefix}{metric.name}"] = float(metric.result())
    if loss_tracker is not None:
        loss_tracker.update_state(loss.item())
    logs[f"{prefix}loss"] = float(loss_tracker.result()) if loss_tracker is not None else loss.item()
    return logs


def train_step(model, optimizer, loss_fn, inputs, targets, metrics, loss_tracker=None):
    predictions, loss = _forward(model, loss_fn, inputs, targets, training=True)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return _logs("", metrics, loss_tracker, targets, predictions, loss)


def test_step(model, loss_fn, inputs, targets, metrics, loss_tracker=None):
    predictions, loss = _forward(model, loss_fn, inputs, targets, training=False)
    return _logs("val_", metrics, loss_tracker, targets, predictions, loss)
