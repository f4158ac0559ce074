#!/usr/bin/env python3
"""Makes pytorch-pooling.json, the PyTorch answers that Pooling2DTests.swift and
AdaptiveAveragePooling2DTests.swift read.

    padded    6 torch.nn.MaxPool2d / AvgPool2d layers with padding (PyTorch's defaults
              otherwise: ceil_mode=False, count_include_pad=True), square and
              rectangular, kernel equal to and different from the stride
    adaptive  5 torch.nn.AdaptiveAvgPool2d layers, mostly on sizes the output does not
              divide: 7×7 → 3×3, 10×6 → 4×5, 2×2 → 3×3 (more bins than pixels),
              5×9 → 2×4, and 6×4 → 1×1 (global)

Each case holds the input, the output, a random output gradient dy, and the input
gradient of the loss sum(y * dy).

This script is NOT run by the tests, by CI or by anything else in the project: the
tests only read the JSON file, and no Python runs in the project or its tests. It needs
torch, which belongs in a scratch virtual environment outside the repository, never in
it (see README.md beside it):

    /tmp/torchvenv/bin/python Tests/ConvCoreTests/Fixtures/make-pytorch-pooling-fixtures.py --check
    /tmp/torchvenv/bin/python Tests/ConvCoreTests/Fixtures/make-pytorch-pooling-fixtures.py --out /tmp/fixtures
    /tmp/torchvenv/bin/python Tests/ConvCoreTests/Fixtures/make-pytorch-pooling-fixtures.py   # rewrites the committed file

--check [DIR] makes nothing: it recomputes every case of the file (in DIR, or the
committed one) with torch from its own inputs, prints the largest difference per field
and exits with status 1 if a case disagrees.

The committed file was made by this script with torch 2.15.0 on the CPU. Each section
draws from its own torch.manual_seed, so with the same torch version every run writes
the same bytes. Floats are float32 values printed with 9 significant digits, which
round-trip; the file is indented by one space and does not end with a newline.
"""

import argparse
import json
import math
import sys
from pathlib import Path

import torch

PADDED_SEED = 11
# (kind, kernel, stride, padding, input shape): ResNet's stem pooling, its average twin,
# then rectangular kernels, strides and paddings, overlapping and not.
PADDED_LAYERS = [
    ("max", (3, 3), (2, 2), (1, 1), (2, 3, 7, 8)),
    ("average", (3, 3), (2, 2), (1, 1), (1, 2, 7, 8)),
    ("max", (2, 4), (1, 3), (1, 2), (1, 2, 6, 9)),
    ("average", (3, 2), (2, 1), (1, 1), (2, 1, 5, 6)),
    ("average", (5, 4), (3, 2), (2, 2), (1, 1, 9, 7)),
    ("max", (4, 5), (1, 2), (2, 2), (1, 2, 6, 8)),
]


def floats(tensor, digits=9):
    """A tensor's float32 values as Python floats rounded to `digits` significant digits."""
    return [float(f"{value:.{digits}g}") for value in tensor.detach().flatten().tolist()]


def tensor(values, shape):
    return torch.tensor(values, dtype=torch.float32).reshape(shape)


def padded_layer(kind, kernel, stride, padding):
    module = torch.nn.MaxPool2d if kind == "max" else torch.nn.AvgPool2d
    return module(kernel, stride, padding=padding)  # ceil_mode=False, count_include_pad=True


def padded_cases():
    torch.manual_seed(PADDED_SEED)
    cases = []
    for kind, kernel, stride, padding, shape in PADDED_LAYERS:
        x = torch.randn(shape, requires_grad=True)
        y = padded_layer(kind, kernel, stride, padding)(x)
        dy = torch.randn_like(y)
        y.backward(dy)  # the gradient of sum(y * dy)
        cases.append({"kind": kind, "kernel": list(kernel), "stride": list(stride), "padding": list(padding),
                      "x_shape": list(x.shape), "x": floats(x), "y_shape": list(y.shape), "y": floats(y),
                      "dy": floats(dy), "dx": floats(x.grad)})
    return cases


def recompute_padded(c):
    x = tensor(c["x"], c["x_shape"]).requires_grad_()
    y = padded_layer(c["kind"], tuple(c["kernel"]), tuple(c["stride"]), tuple(c["padding"]))(x)
    return x, y


ADAPTIVE_SEED = 12
# (output size (height, width), input shape [N, C, H, W])
ADAPTIVE_LAYERS = [
    ((3, 3), (2, 2, 7, 7)),
    ((4, 5), (2, 2, 10, 6)),
    ((3, 3), (1, 3, 2, 2)),
    ((2, 4), (1, 2, 5, 9)),
    ((1, 1), (2, 3, 6, 4)),
]


def adaptive_cases():
    torch.manual_seed(ADAPTIVE_SEED)
    cases = []
    for output_size, shape in ADAPTIVE_LAYERS:
        x = torch.randn(shape, requires_grad=True)
        y = torch.nn.AdaptiveAvgPool2d(output_size)(x)
        dy = torch.randn_like(y)
        y.backward(dy)
        cases.append({"output_size": list(output_size), "x_shape": list(x.shape), "x": floats(x),
                      "y_shape": list(y.shape), "y": floats(y), "dy": floats(dy), "dx": floats(x.grad)})
    return cases


def recompute_adaptive(c):
    x = tensor(c["x"], c["x_shape"]).requires_grad_()
    return x, torch.nn.AdaptiveAvgPool2d(tuple(c["output_size"]))(x)


SECTIONS = {"padded": (padded_cases, recompute_padded, len(PADDED_LAYERS)),
            "adaptive": (adaptive_cases, recompute_adaptive, len(ADAPTIVE_LAYERS))}
NAME = "pytorch-pooling.json"
HERE = Path(__file__).resolve().parent


def write(directory):
    text = json.dumps({name: make() for name, (make, _, _) in SECTIONS.items()}, indent=1)
    target = (directory or HERE) / NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    print(f"wrote {target} ({len(text)} bytes)")


def difference(actual, expected):
    """The largest |actual − expected| / max(1, |expected|), the measure the Swift tests use."""
    actual = actual.detach().double().flatten()
    expected = torch.tensor(expected, dtype=torch.float64).flatten()
    if actual.shape != expected.shape:
        return math.inf
    return ((actual - expected).abs() / expected.abs().clamp(min=1)).max().item() if actual.numel() else 0.0


def check(directory, tolerance=1e-7):
    # 9 digits round-trip float32: a recomputation differs from the file only by the
    # printing of the results (≤ 5e-9).
    file = json.loads(((directory or HERE) / NAME).read_text())
    ok = True
    for name, (_, recompute, count) in SECTIONS.items():
        cases = file.get(name, [])
        largest = {}
        for c in cases:
            x, y = recompute(c)
            if list(y.shape) != c["y_shape"]:
                largest["y_shape"] = math.inf
                continue
            y.backward(tensor(c["dy"], c["y_shape"]))
            largest["y"] = max(largest.get("y", 0.0), difference(y, c["y"]))
            largest["dx"] = max(largest.get("dx", 0.0), difference(x.grad, c["dx"]))
        worst = max(largest.values(), default=0.0)
        good = len(cases) == count and worst <= tolerance
        ok = ok and good
        print(f"{name}: {len(cases)} cases (expected {count}), largest difference {worst:.3g} "
              f"(tolerance {tolerance:g}): {'ok' if good else 'MISMATCH'}")
        for field, value in largest.items():
            print(f"    {field:8} {value:.3g}")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None, help=f"folder to write {NAME} to (default: beside this script)")
    parser.add_argument("--check", type=Path, metavar="DIR", nargs="?", const=False,
                        help="write nothing; recompute the cases of the file in DIR (default: the committed one) and compare")
    arguments = parser.parse_args()
    print(f"torch {torch.__version__}")
    if arguments.check is not None:
        sys.exit(0 if check(arguments.check or None) else 1)
    write(arguments.out)


if __name__ == "__main__":
    main()
