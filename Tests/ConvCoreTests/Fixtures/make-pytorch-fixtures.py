#!/usr/bin/env python3
"""Makes the PyTorch reference fixtures that PyTorchReferenceTests.swift reads.

    pytorch-conv2d.json     40 random torch.nn.Conv2d layers: input, weight, bias,
                            output, a random output gradient dy, and the input,
                            weight and bias gradients of the loss sum(y * dy)
    pytorch-batchnorm.json  12 torch.nn.BatchNorm1d / BatchNorm2d layers, each in
                            training and in evaluation mode: output, running
                            statistics after the training step, and the three
                            gradients of sum(y * dy)
    pytorch-clip.json       4 torch.nn.utils.clip_grad_norm_ calls with max_norm 1:
                            two with a total norm above it, two below

This script is NOT run by the tests, by CI or by anything else in the project: the
tests only read the JSON files, and no Python runs in the project or its tests. It
needs torch (numpy is not used), which belongs in a scratch virtual environment
outside the repository, never in it (pin 2.15.0 to get the committed bytes back):

    python3 -m venv /tmp/torchvenv
    /tmp/torchvenv/bin/pip install torch==2.15.0
    /tmp/torchvenv/bin/python Tests/ConvCoreTests/Fixtures/make-pytorch-fixtures.py --check
    /tmp/torchvenv/bin/python Tests/ConvCoreTests/Fixtures/make-pytorch-fixtures.py --out /tmp/fixtures
    /tmp/torchvenv/bin/python Tests/ConvCoreTests/Fixtures/make-pytorch-fixtures.py   # rewrites the committed files

With no option it writes each file beside the tests that read it: pytorch-conv2d.json
and pytorch-batchnorm.json here, pytorch-clip.json in Tests/TrainingTests/Fixtures.
--out DIR writes all three to DIR instead. --check [DIR] makes nothing: it recomputes
every case of the three files (in DIR, or the committed ones) with torch from their
own inputs and parameters, prints the largest differences, and exits with status 1 if
a case disagrees (or a file has the wrong count of cases).

The committed fixtures were made by this script with torch 2.15.0 on the CPU.
Everything is seeded (random.Random(7) and torch.manual_seed(7) for the convolutions,
torch.manual_seed(0) for batch norm and then clipping on the same stream), so with the
same torch version every run writes the same bytes.

Floats are float32 values printed with 9 significant digits, which round-trip: the
Swift tests read exactly the values torch used. The conv file is one line with compact
separators; the other two are indented by one space. None ends with a newline.
"""

import argparse
import json
import math
import random
import sys
import warnings
from pathlib import Path

import torch

# PyTorch warns that "same" padding with an even kernel pads a copy of the input: expected here.
warnings.filterwarnings("ignore", message="Using padding='same'")

CONV_CASES = 40
BATCHNORM_CASES = 12  # the first half BatchNorm1d, the second BatchNorm2d
CLIP_CASES = 4  # alternately above and below max_norm
CONV_SEED = 7
BATCHNORM_AND_CLIP_SEED = 0


def floats(tensor, digits=9):
    """A tensor's float32 values as Python floats rounded to `digits` significant digits."""
    return [float(f"{value:.{digits}g}") for value in tensor.detach().flatten().tolist()]


def randint(low, high):
    """A uniform integer in [low, high], inclusive, from torch's global generator."""
    return int(torch.randint(low, high + 1, ()))


def uniform(low, high, count):
    """`count` float32 values uniform in [low, high), from torch's global generator."""
    return torch.rand(count) * (high - low) + low


# Conv2d


def conv_output_size(size, kernel, stride, padding, dilation):
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def random_conv_config(rng):
    """One layer's hyperparameters and input shape, or None when its output would be empty."""
    groups = rng.choices([1, 2, 3, 4], weights=[3, 5, 1, 1])[0]
    depthwise = groups > 1 and rng.random() < 0.4
    in_channels = groups * (1 if depthwise else rng.randint(1, 3))
    out_channels = groups * rng.randint(1, 3)
    kernel = (rng.randint(1, 7), rng.randint(1, 7))
    dilation = (rng.choice([1, 1, 2, 3]), rng.choice([1, 1, 2, 3]))
    kind = rng.random()  # explicit padding is rejected most often, so "same" ends up ~25% of the cases
    if kind < 0.15:
        padding, stride = "same", (1, 1)  # PyTorch allows "same" only with stride 1
    else:
        padding = "valid" if kind < 0.2 else (rng.randint(0, 3), rng.randint(0, 3))
        stride = (rng.randint(1, 3), rng.randint(1, 3))
    input_shape = (rng.randint(1, 2), in_channels, rng.randint(1, 11), rng.randint(1, 11))
    bias = rng.random() < 0.5
    if padding != "same":
        explicit = (0, 0) if padding == "valid" else padding
        for axis in range(2):
            if conv_output_size(input_shape[2 + axis], kernel[axis], stride[axis], explicit[axis], dilation[axis]) < 1:
                return None
    return dict(in_channels=in_channels, out_channels=out_channels, kernel=kernel, stride=stride,
                padding=padding, dilation=dilation, groups=groups, bias=bias, input_shape=input_shape)


def conv_case(config):
    conv = torch.nn.Conv2d(config["in_channels"], config["out_channels"], config["kernel"],
                           stride=config["stride"], padding=config["padding"], dilation=config["dilation"],
                           groups=config["groups"], bias=config["bias"])  # PyTorch's default initialization
    x = torch.randn(config["input_shape"], requires_grad=True)
    y = conv(x)
    dy = torch.randn_like(y)
    y.backward(dy)  # the gradients of sum(y * dy)
    padding = config["padding"]

    def f(tensor):
        return None if tensor is None else floats(tensor)

    return {
        "pad": padding if isinstance(padding, str) else list(padding),
        "stride": list(config["stride"]), "dilation": list(config["dilation"]), "groups": config["groups"],
        "x_shape": list(x.shape), "x": f(x),
        "w_shape": list(conv.weight.shape), "w": f(conv.weight), "b": f(conv.bias),
        "y_shape": list(y.shape), "y": f(y), "dy": f(dy),
        "dx": f(x.grad), "dw": f(conv.weight.grad), "db": None if conv.bias is None else f(conv.bias.grad),
    }


def conv_cases():
    torch.manual_seed(CONV_SEED)
    rng = random.Random(CONV_SEED)
    cases = []
    while len(cases) < CONV_CASES:
        config = random_conv_config(rng)
        if config is not None:
            cases.append(conv_case(config))
    return cases


# BatchNorm1d / BatchNorm2d


def batchnorm_layer(module, gamma, beta, running_mean, running_var, eps=1e-5, momentum=0.1):
    layer = module(gamma.numel(), eps=eps, momentum=momentum)  # PyTorch's defaults
    with torch.no_grad():
        layer.weight.copy_(gamma)
        layer.bias.copy_(beta)
        layer.running_mean.copy_(running_mean)
        layer.running_var.copy_(running_var)
    return layer


def batchnorm_case(index):
    """Draws from torch's global generator, which the caller has seeded."""
    if index < BATCHNORM_CASES // 2:
        module, shape = torch.nn.BatchNorm1d, [randint(2, 9), randint(1, 5)]  # [N, C]
    else:  # [N, C, H, W] with N·H·W ≤ 100
        module, shape = torch.nn.BatchNorm2d, [randint(1, 4), randint(1, 4), randint(1, 5), randint(1, 5)]
    channels = shape[1]
    gamma = uniform(0.5, 2.0, channels)
    beta = torch.randn(channels)
    running_mean = torch.randn(channels)
    running_var = uniform(0.5, 2.0, channels)
    x = torch.randn(shape) * 3 + 1  # N(1, 3²)
    dy = torch.randn(shape)

    case = {"module": module.__name__, "shape": shape}
    layer = batchnorm_layer(module, gamma, beta, running_mean, running_var)
    case.update(momentum=layer.momentum, eps=layer.eps)
    case.update(x=floats(x), gamma=floats(gamma), beta=floats(beta),
                running_mean=floats(running_mean), running_var=floats(running_var), dy=floats(dy))

    # Training: batch statistics (biased variance) normalize; the running statistics
    # move by momentum toward the batch mean and the unbiased batch variance.
    layer.train()
    x_train = x.clone().requires_grad_()
    y = layer(x_train)
    y.backward(dy)
    case.update(y_train=floats(y), running_mean_after=floats(layer.running_mean),
                running_var_after=floats(layer.running_var), dx_train=floats(x_train.grad),
                dgamma_train=floats(layer.weight.grad), dbeta_train=floats(layer.bias.grad))

    # Evaluation: a fresh layer with the original running statistics, not the updated ones.
    layer = batchnorm_layer(module, gamma, beta, running_mean, running_var).eval()
    x_eval = x.clone().requires_grad_()
    y = layer(x_eval)
    y.backward(dy)
    case.update(y_eval=floats(y), dx_eval=floats(x_eval.grad),
                dgamma_eval=floats(layer.weight.grad), dbeta_eval=floats(layer.bias.grad))
    return case


# clip_grad_norm_


def clip_case(index):
    """Draws from torch's global generator, continuing where batch normalization stopped."""
    max_norm, norm_type = 1.0, 2.0
    low, high = (1.5, 5.0) if index % 2 == 0 else (0.1, 0.9)  # the total norm: above or below max_norm
    parameters, gradients = [], []
    for _ in range(randint(2, 3)):
        shape = [randint(1, 4) for _ in range(randint(1, 2))]
        # The parameters' values are never used; drawing them keeps the committed random stream.
        parameters.append(torch.nn.Parameter(torch.randn(shape)))
        gradients.append(torch.randn(shape))
    target = low + (high - low) * torch.rand(()).item()
    norm = torch.linalg.vector_norm(torch.cat([g.flatten() for g in gradients])).item()
    gradients = [g * (target / norm) for g in gradients]
    for parameter, gradient in zip(parameters, gradients):
        parameter.grad = gradient.clone()
    total_norm = torch.nn.utils.clip_grad_norm_(parameters, max_norm, norm_type)
    return {
        "max_norm": max_norm, "norm_type": norm_type,
        "grads": [{"shape": list(g.shape), "values": floats(g)} for g in gradients],
        "total_norm": floats(total_norm)[0],
        "grads_after": [{"shape": list(p.grad.shape), "values": floats(p.grad)} for p in parameters],
    }


def batchnorm_and_clip_cases():
    torch.manual_seed(BATCHNORM_AND_CLIP_SEED)
    batchnorm = [batchnorm_case(i) for i in range(BATCHNORM_CASES)]
    clip = [clip_case(i) for i in range(CLIP_CASES)]
    return batchnorm, clip


# Writing


HERE = Path(__file__).resolve().parent
# Each fixture beside the tests that read it: conv and batch norm here, clipping in the
# Training tests.
HOMES = {"pytorch-conv2d.json": HERE, "pytorch-batchnorm.json": HERE,
         "pytorch-clip.json": HERE.parent.parent / "TrainingTests" / "Fixtures"}


def write(directory):
    batchnorm, clip = batchnorm_and_clip_cases()
    files = {
        "pytorch-conv2d.json": json.dumps(conv_cases(), separators=(",", ":")),
        "pytorch-batchnorm.json": json.dumps(batchnorm, indent=1),
        "pytorch-clip.json": json.dumps(clip, indent=1),
    }
    for name, text in files.items():
        target = (directory or HOMES[name]) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        print(f"wrote {target} ({len(text)} bytes)")


# Checking: recompute every case with torch from the file's own inputs and parameters


class Differences:
    """The largest |actual − expected| / max(1, |expected|) per field, the measure the Swift test uses."""

    def __init__(self):
        self.largest = {}

    def add(self, field, actual, expected):
        actual = actual.detach().double().flatten()
        expected = torch.tensor(expected, dtype=torch.float64).flatten()
        if actual.shape != expected.shape:
            self.largest[field] = math.inf
            return
        difference = ((actual - expected).abs() / expected.abs().clamp(min=1)).max().item() if actual.numel() else 0.0
        self.largest[field] = max(self.largest.get(field, 0.0), difference)

    def worst(self):
        return max(self.largest.values(), default=0.0)


def tensor(values, shape=None):
    t = torch.tensor(values, dtype=torch.float32)
    return t if shape is None else t.reshape(shape)


def check_conv(cases, differences):
    for c in cases:
        padding = c["pad"] if isinstance(c["pad"], str) else tuple(c["pad"])
        conv = torch.nn.Conv2d(c["x_shape"][1], c["w_shape"][0], tuple(c["w_shape"][2:]), stride=tuple(c["stride"]),
                               padding=padding, dilation=tuple(c["dilation"]), groups=c["groups"],
                               bias=c["b"] is not None)
        with torch.no_grad():
            conv.weight.copy_(tensor(c["w"], c["w_shape"]))
            if conv.bias is not None:
                conv.bias.copy_(tensor(c["b"]))
        x = tensor(c["x"], c["x_shape"]).requires_grad_()
        y = conv(x)
        if list(y.shape) != c["y_shape"]:
            differences.largest["y_shape"] = math.inf
            continue
        y.backward(tensor(c["dy"], c["y_shape"]))
        differences.add("y", y, c["y"])
        differences.add("dx", x.grad, c["dx"])
        differences.add("dw", conv.weight.grad, c["dw"])
        if conv.bias is not None:
            differences.add("db", conv.bias.grad, c["db"])


def check_batchnorm(cases, differences):
    for c in cases:
        module = getattr(torch.nn, c["module"])
        parameters = [tensor(c[k]) for k in ("gamma", "beta", "running_mean", "running_var")]
        dy = tensor(c["dy"], c["shape"])
        for mode in ("train", "eval"):
            layer = batchnorm_layer(module, *parameters, eps=c["eps"], momentum=c["momentum"])
            layer.train(mode == "train")
            x = tensor(c["x"], c["shape"]).requires_grad_()
            y = layer(x)
            y.backward(dy)
            differences.add(f"y_{mode}", y, c[f"y_{mode}"])
            differences.add(f"dx_{mode}", x.grad, c[f"dx_{mode}"])
            differences.add(f"dgamma_{mode}", layer.weight.grad, c[f"dgamma_{mode}"])
            differences.add(f"dbeta_{mode}", layer.bias.grad, c[f"dbeta_{mode}"])
            if mode == "train":
                differences.add("running_mean_after", layer.running_mean, c["running_mean_after"])
                differences.add("running_var_after", layer.running_var, c["running_var_after"])


def check_clip(cases, differences):
    for c in cases:
        parameters = [torch.nn.Parameter(torch.zeros(g["shape"])) for g in c["grads"]]
        for parameter, g in zip(parameters, c["grads"]):
            parameter.grad = tensor(g["values"], g["shape"])
        total_norm = torch.nn.utils.clip_grad_norm_(parameters, c["max_norm"], c["norm_type"])
        differences.add("total_norm", total_norm, [c["total_norm"]])
        for parameter, g in zip(parameters, c["grads_after"]):
            differences.add("grads_after", parameter.grad, g["values"])
    above = sum(1 for c in cases if c["total_norm"] > c["max_norm"])
    if above != 2:
        differences.largest["two norms above max_norm"] = math.inf


def check(directory):
    # 9 digits round-trip float32, so a recomputation differs from the file only by the
    # printing of the results (≤ 5e-9), and by the order of a sum where torch picks
    # another kernel on another CPU.
    checks = [("pytorch-conv2d.json", CONV_CASES, check_conv, 1e-6),
              ("pytorch-batchnorm.json", BATCHNORM_CASES, check_batchnorm, 1e-7),
              ("pytorch-clip.json", CLIP_CASES, check_clip, 1e-7)]
    ok = True
    for name, count, check_file, tolerance in checks:
        cases = json.loads(((directory or HOMES[name]) / name).read_text())
        differences = Differences()
        check_file(cases, differences)
        good = len(cases) == count and differences.worst() <= tolerance
        ok = ok and good
        print(f"{name}: {len(cases)} cases (expected {count}), largest difference {differences.worst():.3g} "
              f"(tolerance {tolerance:g}): {'ok' if good else 'MISMATCH'}")
        for field, difference in differences.largest.items():
            print(f"    {field:20} {difference:.3g}")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None,
                        help="folder to write the three files to (default: beside the tests that read each)")
    parser.add_argument("--check", type=Path, metavar="DIR", nargs="?", const=False,
                        help="write nothing; recompute the cases of the files in DIR (default: the committed ones) and compare")
    arguments = parser.parse_args()
    print(f"torch {torch.__version__}")
    if arguments.check is not None:
        sys.exit(0 if check(arguments.check or None) else 1)
    write(arguments.out)


if __name__ == "__main__":
    main()
