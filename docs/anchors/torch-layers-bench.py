"""PyTorch CPU activations, batch norm and pooling on conv-demo's `bench layers` tensor, for comparison only.

Forward and backward (the input gradient, and batch norm's weight and bias gradients) of each layer
on one [N, C, H, W] tensor, one thread, best of several runs after a warm-up. Needs torch in a scratch
venv. Prints JSON: {"torch": version, "shape": [N, C, H, W], "layers": [{layer, pass, ms}]}"""
import argparse, json, sys, time, torch
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument("--shape", default="32,32,40,40", help="N,C,H,W (default: conv-demo's, 32,32,40,40)")
parser.add_argument("--threads", type=int, default=1)
args = parser.parse_args()
torch.set_num_threads(args.threads)
shape = [int(s) for s in args.shape.split(",")]

def best(f, budget=0.3, minimum=5):
    f()
    times, start = [], time.perf_counter()
    while len(times) < minimum or time.perf_counter() - start < budget:
        t = time.perf_counter(); f(); times.append(time.perf_counter() - t)
    return min(times)

x = torch.rand(shape) * 4 - 2
rows = [{"layer": "floor: x + x", "pass": "forward", "ms": best(lambda: torch.add(x, x, alpha=1)) * 1e3}]
def forward_backward(name, layer, *parameters):
    xr = x.clone().requires_grad_()
    y = layer(xr)
    upstream = torch.rand_like(y) * 2 - 1
    rows.append({"layer": name, "pass": "forward", "ms": best(lambda: layer(x)) * 1e3})
    inputs = (xr, *parameters)
    rows.append({"layer": name, "pass": "backward", "ms": best(lambda: torch.autograd.grad(y, inputs, upstream, retain_graph=True)) * 1e3})

forward_backward("relu", torch.relu)
forward_backward("tanh", torch.tanh)
forward_backward("sigmoid", torch.sigmoid)
c = shape[1]
weight, bias = torch.ones(c, requires_grad=True), torch.zeros(c, requires_grad=True)
mean, var = torch.zeros(c), torch.ones(c)
forward_backward("batchnorm (training)", lambda t: F.batch_norm(t, mean, var, weight, bias, training=True), weight, bias)
forward_backward("maxpool 2×2", lambda t: F.max_pool2d(t, 2))
forward_backward("avgpool 2×2", lambda t: F.avg_pool2d(t, 2))
json.dump({"torch": torch.__version__, "shape": shape, "layers": rows}, sys.stdout, indent=1)
