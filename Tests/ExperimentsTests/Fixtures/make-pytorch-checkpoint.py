#!/usr/bin/env python3
"""Makes the PyTorch fixtures of PyTorchCheckpointTests, for comparison only (never run by
the tests). Needs torch and safetensors in a scratch venv:

    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch safetensors numpy
    /tmp/torchvenv/bin/python Tests/ExperimentsTests/Fixtures/make-pytorch-checkpoint.py [CONV_DEMO]

1. PyTorch trains the nn.Sequential of SPEC (built by docs/anchors/torchref.py, the same
   layers and names conv-demo uses) for one epoch on Samples/digits, and saves its whole
   state_dict (num_batches_tracked included) with the spec in the metadata:
   pytorch-digits.safetensors. pytorch-digits.json holds its logits on the first 20 test
   digits and its test accuracy and loss (evaluation mode).
2. With CONV_DEMO (a built conv-demo binary), the other way: conv-demo trains the same spec
   and saves a checkpoint; PyTorch loads it with load_state_dict(strict=True) and must give
   the predictions conv-demo's evaluate gives. The result is printed (recorded in README.md).
"""
import json, os, subprocess, sys, tempfile
root = os.path.abspath(os.path.join(os.path.dirname(__file__), "../../.."))
sys.path.insert(0, os.path.join(root, "docs/anchors"))
import torch
from safetensors.torch import save_file, load_file
from torchref import build, load, evaluate, train

SPEC = "input 28x28x1; conv 4 k=3 p=1; batchnorm; relu; maxpool 2; conv 8 k=3; relu; maxpool 2; flatten; fc 32; relu; dropout 0.2; fc 10"
here = os.path.dirname(os.path.abspath(__file__))
digits = os.path.join(root, "Samples/digits")
torch.manual_seed(0)
torch.set_num_threads(1)
x_train, y_train = load(os.path.join(digits, "train"))
x_test, y_test = load(os.path.join(digits, "t10k"))

model, _ = build(SPEC)
train(model, x_train, y_train, epochs=1, batch=32, lr=0.05, momentum=0.9, wd=0.0, seed=0)
result = evaluate(model, x_test, y_test)
save_file({k: v.contiguous() for k, v in model.state_dict().items()}, os.path.join(here, "pytorch-digits.safetensors"), metadata={"spec": SPEC})
with open(os.path.join(here, "pytorch-digits.json"), "w") as f:
    json.dump({"spec": SPEC, "torch": torch.__version__, "test_accuracy": result["accuracy"], "test_loss": result["loss"],
               "logits": [[float(v) for v in row] for row in result["logits"][:20]]}, f, indent=1)
print(f"PyTorch {torch.__version__}: test accuracy {result['accuracy']:.4f}, loss {result['loss']:.4f}")

if len(sys.argv) > 1:
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "conv-demo.safetensors")
        subprocess.run([binary, "train", "--model", SPEC, "--epochs", "1", "--save", path, "--json"], check=True, capture_output=True, cwd=root)
        ours = json.loads(subprocess.run([binary, "evaluate", "--weights", path, "--json"], check=True, capture_output=True, cwd=root).stdout)
        theirs, _ = build(SPEC)
        theirs.load_state_dict(load_file(path), strict=True)
        again = evaluate(theirs, x_test, y_test)
        same = again["confusion"] == ours["confusion"]
        print(f"conv-demo's checkpoint in PyTorch (strict=True): accuracy {again['accuracy']:.4f} (conv-demo: {ours['accuracy']:.4f}), "
              f"loss {again['loss']:.6f} (conv-demo: {ours['loss']:.6f}), the same confusion matrix: {same}")
