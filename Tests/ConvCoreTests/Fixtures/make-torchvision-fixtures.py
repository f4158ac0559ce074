#!/usr/bin/env python3
"""Makes torchvision-models.json: torchvision's and torchinfo's answers for five nets.

How to re-run it
----------------
This script is NOT run by the tests, by CI or by anything else in the project: the
tests only read the JSON file, and no Python runs in the project or its tests. It needs
torch, torchvision and torchinfo, which belong in a scratch virtual environment outside
the repository, never in it. The committed file was made with torch 2.15.0,
torchvision 0.29.2 and torchinfo 1.8.0 on the CPU (pick the torchvision release that
matches the installed torch; pip does that when torch is already installed):

    python3 -m venv /tmp/torchvenv
    /tmp/torchvenv/bin/pip install torch==2.15.0 torchvision==0.29.2 torchinfo==1.8.0
    /tmp/torchvenv/bin/python Tests/ConvCoreTests/Fixtures/make-torchvision-fixtures.py
    /tmp/torchvenv/bin/python Tests/ConvCoreTests/Fixtures/make-torchvision-fixtures.py --out /tmp/tv.json

With no option it rewrites torchvision-models.json beside this script; --out FILE
writes FILE instead. No network is needed once the packages are installed: every model
is built with weights=None, so nothing is downloaded. The output depends only on the
models' structure, never on random values (weights and torchinfo's random input only
fill tensors whose shapes are recorded), so the same package versions write the same
bytes; torch is seeded anyway.

What the file holds
-------------------
"models" has, for each of resnet18, resnet50, mobilenet_v2, alexnet and vgg16
(torchvision.models, num_classes=1000, weights=None), at input 3x224x224:

  state_dict           [name, shape, kind] in state_dict() order, one per line; kind is
                       "parameter" for names in named_parameters() and "buffer" for the
                       rest (running_mean, running_var, num_batches_tracked)
  total_params, trainable_params, non_trainable_params
                       torchinfo's summary values (parameters only, no buffers)
  weight_mult_adds_without_bias
                       an independent count, at batch 1, over every Conv2d and Linear:
                       weight elements x output positions (N*H*W for a convolution, N
                       for a linear layer); no bias, no batch norm
  blocks               (resnet18, resnet50, mobilenet_v2 only) one row per residual
                       block; see blocks() for the columns
  summary              for batch "1" and "4": torchinfo.summary(model,
                       input_size=(B, 3, 224, 224), verbose=0, device="cpu")'s
                       total_mult_adds, total_input (bytes), total_output_bytes,
                       total_param_bytes and estimated_total_bytes (= their sum, as
                       torchinfo adds them), and "printed": the summary's text lines
                       "Total mult-adds ...", "Input size (MB): ...",
                       "Forward/backward pass size (MB): ...", "Params size (MB): ...",
                       "Estimated Total Size (MB): ..." exactly as printed. With
                       Python 3.11+ torchinfo 1.8.0 prints its unit enum's name:
                       "Total mult-adds (Units.MEGABYTES): 714.68", where older
                       Pythons print "Total mult-adds (M): 714.68"

"resnet18_rows" has torchinfo's table rows for resnet18 at batch 1 with depth=2 and
depth=3: [class name, depth-index ("1-5"; null for the root row, which torchinfo prints
without one), output shape, the "Param #" column as printed ("1,792", "--",
"(recursive)", or "(1,792)" for a frozen layer)], in the printed order, plus the
printed table lines themselves. Each row is checked against the printed table.

"alexnet_256_no_avgpool" is alexnet with model.avgpool = nn.Identity() and
classifier[1] = nn.Linear(F, 4096), where F is the flattened size of model.features'
output on a 1x3x256x256 input (256 x 7 x 7 = 12544), summarised at 1x3x256x256.
"""

import argparse
import io
import json
import sys
from contextlib import redirect_stdout
from pathlib import Path

import torch
import torchinfo
import torchvision
from torch import nn
from torchvision import models

MODEL_NAMES = ["resnet18", "resnet50", "mobilenet_v2", "alexnet", "vgg16"]
BATCHES = [1, 4]
IMAGE = (3, 224, 224)
ROW_DEPTHS = [2, 3]
PRINTED_PREFIXES = [
    "Total mult-adds",
    "Input size (MB)",
    "Forward/backward pass size (MB)",
    "Params size (MB)",
    "Estimated Total Size (MB)",
]
DEFAULT_OUT = Path(__file__).resolve().parent / "torchvision-models.json"


def build(name):
    """A torchvision model with random weights (weights=None downloads nothing)."""
    return getattr(models, name)(weights=None).eval()


def run_summary(model, input_size, depth=3):
    """torchinfo.summary, quiet, on the CPU; returns (statistics, printed text)."""
    with redirect_stdout(io.StringIO()):  # verbose=0 prints nothing; be sure of it
        stats = torchinfo.summary(
            model, input_size=input_size, depth=depth, verbose=0, device="cpu"
        )
    return stats, str(stats)


def state_dict_entries(model):
    """[name, shape, kind] for every state_dict entry, in state_dict order."""
    parameter_names = {name for name, _ in model.named_parameters()}
    return [
        [name, list(tensor.shape), "parameter" if name in parameter_names else "buffer"]
        for name, tensor in model.state_dict().items()
    ]


def weight_mult_adds_without_bias(model, input_size):
    """Sum over Conv2d and Linear of weight elements x output positions, no bias."""
    total = 0

    def hook(module, inputs, output):
        nonlocal total
        if isinstance(module, nn.Conv2d):
            n, _, h, w = output.shape
            total += module.weight.numel() * n * h * w
        else:  # nn.Linear on [N, features]
            total += module.weight.numel() * output.shape[0]

    handles = [
        m.register_forward_hook(hook)
        for m in model.modules()
        if isinstance(m, (nn.Conv2d, nn.Linear))
    ]
    with torch.no_grad():
        model(torch.zeros(*input_size))
    for h in handles:
        h.remove()
    return total


def summary_numbers(stats, printed):
    """torchinfo's raw totals (bytes, mult-adds) and its printed lines for them."""
    lines = printed.splitlines()
    picked = []
    for prefix in PRINTED_PREFIXES:
        matching = [line for line in lines if line.startswith(prefix)]
        assert len(matching) == 1, (prefix, matching)
        picked.append(matching[0])
    return {
        "total_mult_adds": stats.total_mult_adds,
        "total_input": stats.total_input,
        "total_output_bytes": stats.total_output_bytes,
        "total_param_bytes": stats.total_param_bytes,
        # model_statistics.py prints to_megabytes(total_input + total_output_bytes
        # + total_param_bytes) as "Estimated Total Size (MB)"
        "estimated_total_bytes": stats.total_input
        + stats.total_output_bytes
        + stats.total_param_bytes,
        "printed": picked,
    }


def param_totals(stats):
    return {
        "total_params": stats.total_params,
        "trainable_params": stats.trainable_params,
        "non_trainable_params": stats.total_params - stats.trainable_params,
    }


def table_rows(stats, printed, depth):
    """torchinfo's rows at this depth, built from its LayerInfo list the way
    formatting.layers_to_str does, and checked against the printed table."""
    rows = []
    for info in stats.summary_list:
        if info.depth > depth:
            continue  # rows deeper than max_depth are not printed
        rows.append(
            [
                info.class_name,
                None if info.depth == 0 else f"{info.depth}-{info.depth_index}",
                list(info.output_size),
                info.num_params_to_str(info.depth == depth),
            ]
        )
    # The printed table sits between the second and the third divider line.
    lines = printed.splitlines()
    dividers = [i for i, line in enumerate(lines) if line and set(line) == {"="}]
    table = lines[dividers[1] + 1 : dividers[2]]
    assert len(table) == len(rows), (len(table), len(rows))
    width = stats.formatting.layer_name_width
    col = stats.formatting.col_width
    for line, (cls, index, shape, params) in zip(table, rows):
        name = line[:width].strip().lstrip("│ ├└─")
        assert name == (cls if index is None else f"{cls}: {index}"), (line, cls, index)
        shown_shape = line[width + 1 : width + 1 + col].strip()
        assert shown_shape == (str(shape) if shape else "--"), (line, shape)
        assert line[width + 2 + col :].strip() == params, (line, params)
    return rows, table


def blocks(name, model):
    """The residual blocks, enough to write the net out by hand.

    mobilenet_v2: [features index, in, out, stride, expand ratio, uses the residual
    add x + conv(x)]. resnet18/50: [module name, in, width (conv1's output), out,
    stride, the main-branch convolution that carries the stride (null at stride 1),
    has a downsample branch]. torchvision puts a Bottleneck's stride on conv2, the
    3x3 (ResNet v1.5), a BasicBlock's on conv1; the downsample branch is
    Sequential(conv1x1(in, out, stride), BatchNorm2d(out)) and also carries it."""
    if name == "mobilenet_v2":
        rows = []
        for index, block in enumerate(model.features):
            if isinstance(block, models.mobilenetv2.InvertedResidual):
                first, last = block.conv[0][0], block.conv[-2]
                expand = first.out_channels // first.in_channels if len(block.conv) == 4 else 1
                rows.append(
                    [f"features.{index}", first.in_channels, last.out_channels,
                     block.stride, expand, block.use_res_connect]
                )
        return rows
    if name.startswith("resnet"):
        rows = []
        for layer in ("layer1", "layer2", "layer3", "layer4"):
            for i, block in enumerate(getattr(model, layer)):
                convs = [c for c in ("conv1", "conv2", "conv3") if hasattr(block, c)]
                strided = [c for c in convs if getattr(block, c).stride != (1, 1)]
                assert len(strided) <= 1
                rows.append(
                    [f"{layer}.{i}", block.conv1.in_channels, block.conv1.out_channels,
                     getattr(block, convs[-1]).out_channels, block.stride,
                     strided[0] if strided else None, block.downsample is not None]
                )
        return rows
    return None


def model_entry(name):
    model = build(name)
    entry = {"state_dict": state_dict_entries(model)}
    if blocks(name, model) is not None:
        entry["blocks"] = blocks(name, model)
    summaries = {}
    for batch in BATCHES:
        stats, printed = run_summary(model, (batch,) + IMAGE)
        if batch == BATCHES[0]:
            entry.update(param_totals(stats))
        else:
            assert param_totals(stats) == {k: entry[k] for k in param_totals(stats)}
        summaries[str(batch)] = summary_numbers(stats, printed)
    entry["weight_mult_adds_without_bias"] = weight_mult_adds_without_bias(
        model, (1,) + IMAGE
    )
    entry["summary"] = summaries
    return entry


def resnet18_rows():
    model = build("resnet18")
    out = {}
    for depth in ROW_DEPTHS:
        stats, printed = run_summary(model, (1,) + IMAGE, depth=depth)
        rows, table = table_rows(stats, printed, depth)
        out[f"depth{depth}"] = rows
        out[f"depth{depth}_printed"] = table
    return out


def alexnet_256_no_avgpool():
    """alexnet's layers at 256x256 with the adaptive pool removed: the first linear
    layer takes the flattened features output directly."""
    model = build("alexnet")
    with torch.no_grad():
        features = model.features(torch.zeros(1, 3, 256, 256))
    in_features = features.flatten(1).shape[1]
    model.avgpool = nn.Identity()
    model.classifier[1] = nn.Linear(in_features, model.classifier[1].out_features)
    model.eval()
    stats, printed = run_summary(model, (1, 3, 256, 256))
    entry = {
        "built_as": "models.alexnet(weights=None); model.avgpool = nn.Identity(); "
        "model.classifier[1] = nn.Linear(F, 4096) with F = "
        "model.features(zeros(1, 3, 256, 256)).flatten(1).shape[1]",
        "input": [3, 256, 256],
        "features_output": list(features.shape[1:]),
        "classifier_in_features": in_features,
    }
    entry.update(param_totals(stats))
    entry["weight_mult_adds_without_bias"] = weight_mult_adds_without_bias(
        model, (1, 3, 256, 256)
    )
    entry["summary"] = {"1": summary_numbers(stats, printed)}
    return entry


def is_scalar(value):
    return not isinstance(value, (list, dict))


def fits_one_line(value):
    """A scalar; a list of scalars without long text (a shape, a block); or a record
    that mixes scalars with such lists (a state_dict entry, a table row). Lists of
    lists, such as the state_dict or the blocks, get one element per line."""
    if is_scalar(value):
        return True
    if isinstance(value, dict):
        return False
    if all(is_scalar(v) for v in value):
        return not any(isinstance(v, str) and len(v) > 40 for v in value)
    return any(is_scalar(v) for v in value) and all(
        is_scalar(v) or (isinstance(v, list) and all(is_scalar(w) for w in v))
        for v in value
    )


def dumps(value, indent=0):
    """JSON indented by one space per level, with every state_dict entry, shape and
    table row on one line, so the file reads (and diffs) one entry per line."""
    pad, inner = " " * indent, " " * (indent + 1)
    if fits_one_line(value):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k)}: {dumps(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    items = [inner + dumps(v, indent + 1) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + pad + "]"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()

    torch.manual_seed(0)
    torch.set_num_threads(1)  # deterministic and gentle on a shared machine

    data = {
        "generator": {
            "script": "make-torchvision-fixtures.py",
            "torch": torch.__version__.split("+")[0],
            "torchvision": torchvision.__version__.split("+")[0],
            "torchinfo": torchinfo.__version__,
            # torchinfo 1.8.0 formats its Units enum with f"({units_used})": Python
            # 3.11+ prints "Total mult-adds (Units.GIGABYTES): 1.81" where 3.10 and
            # earlier printed "(G)"; total_input also includes sys.getsizeof's
            # object overhead (64 bytes here), which depends on the Python build
            "python": ".".join(map(str, sys.version_info[:3])),
            "input": list(IMAGE),
            "batches": BATCHES,
        },
        "models": {name: model_entry(name) for name in MODEL_NAMES},
        "resnet18_rows": resnet18_rows(),
        "alexnet_256_no_avgpool": alexnet_256_no_avgpool(),
    }
    text = dumps(data) + "\n"
    assert json.loads(text) == data, "dumps changed the data"
    args.out.write_text(text)
    print(f"wrote {args.out} ({len(text.encode())} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
