"""Mistake: model(t_u, w, b) calls w.to(...) and b.to(...), so Python floats for w and b, which the stub accepts, raise AttributeError.

Fails: model_is_w_times_t_u_plus_b (error): Python floats
"""
import torch


def model(t_u, w, b):
    return w.to(t_u.dtype) * t_u + b.to(t_u.dtype)


def loss_fn(t_p, t_c):
    squared_diffs = (t_p - t_c)**2
    return squared_diffs.mean()


def dloss_fn(t_p, t_c):
    dsq_diffs = 2 * (t_p - t_c)
    return dsq_diffs / t_p.size(0)


def dmodel_dw(t_u, w, b):
    return t_u


def dmodel_db(t_u, w, b):
    return 1.0


def grad_fn(t_u, t_c, t_p, w, b):
    dloss_dtp = dloss_fn(t_p, t_c)
    dloss_dw = dloss_dtp * dmodel_dw(t_u, w, b)
    dloss_db = dloss_dtp * dmodel_db(t_u, w, b)
    return torch.stack([dloss_dw.sum(), dloss_db.sum()])


def training_loop(n_epochs, learning_rate, params, t_u, t_c):
    for epoch in range(1, n_epochs + 1):
        w, b = params
        t_p = model(t_u, w, b)
        loss = loss_fn(t_p, t_c)
        if torch.isinf(loss) or torch.isnan(loss):
            raise ValueError('Epoch %d: Loss %f, training diverged' % (epoch, float(loss)))
        grad = grad_fn(t_u, t_c, t_p, w, b)
        params = params - learning_rate * grad
        if epoch % 500 == 0:
            print('Epoch %d: Loss %f' % (epoch, float(loss)))
    return params
