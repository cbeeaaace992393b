from torch.autograd import grad


def derivative(function, at):
    leaf = at.detach().clone().requires_grad_(True)
    return grad(function(leaf), leaf)[0].detach()
