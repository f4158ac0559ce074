#!/usr/bin/env python3
"""Makes the residual-network fixture of PyTorchCheckpointTests, for comparison only (never
run by the tests). Needs torch and safetensors in a scratch venv:

    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch safetensors numpy
    /tmp/torchvenv/bin/python Tests/ExperimentsTests/Fixtures/make-pytorch-resnet.py

PyTorch trains Samples/models/resnet-digits.txt, written by hand as torchvision writes its
ResNets (BasicBlock with conv1/bn1/relu/conv2/bn2, a `downsample` shortcut, the ReLU after
the sum, adaptive average pooling, torch.flatten, fc), for one epoch on Samples/digits, and
saves its whole state_dict with that spec in the metadata: pytorch-resnet-digits.safetensors.
pytorch-resnet-digits.json holds its logits on the first 20 test digits and its test
accuracy and loss (evaluation mode).
"""
import json, os, sys
root = os.path.abspath(os.path.join(os.path.dirname(__file__), "../../.."))
sys.path.insert(0, os.path.join(root, "docs/anchors"))
import torch, torch.nn as nn
from safetensors.torch import save_file
from torchref import load, evaluate, train

class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False); self.bn1 = nn.BatchNorm2d(cout); self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False); self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = (nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
                           if stride != 1 or cin != cout else None)
    def forward(self, x):
        y = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        return self.relu(y + (x if self.downsample is None else self.downsample(x)))

class ResNetDigits(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, 1, 1, bias=False); self.bn1 = nn.BatchNorm2d(16); self.relu = nn.ReLU()
        self.layer1 = nn.Sequential(BasicBlock(16, 16, 1), BasicBlock(16, 16, 1))
        self.layer2 = nn.Sequential(BasicBlock(16, 32, 2), BasicBlock(32, 32, 1))
        self.avgpool = nn.AdaptiveAvgPool2d(1); self.fc = nn.Linear(32, 10)
    def forward(self, x):
        x = self.layer2(self.layer1(self.relu(self.bn1(self.conv1(x)))))
        return self.fc(torch.flatten(self.avgpool(x), 1))

here = os.path.dirname(os.path.abspath(__file__))
digits = os.path.join(root, "Samples/digits")
spec = open(os.path.join(root, "Samples/models/resnet-digits.txt")).read()
torch.manual_seed(0)
torch.set_num_threads(1)
x_train, y_train = load(os.path.join(digits, "train"))
x_test, y_test = load(os.path.join(digits, "t10k"))
model = ResNetDigits()
train(model, x_train, y_train, epochs=1, batch=32, lr=0.02, momentum=0.9, wd=0.0, seed=0)
result = evaluate(model, x_test, y_test)
save_file({k: v.contiguous() for k, v in model.state_dict().items()}, os.path.join(here, "pytorch-resnet-digits.safetensors"), metadata={"spec": spec})
with open(os.path.join(here, "pytorch-resnet-digits.json"), "w") as f:
    json.dump({"spec": spec, "torch": torch.__version__, "test_accuracy": result["accuracy"], "test_loss": result["loss"],
               "logits": [[float(v) for v in row] for row in result["logits"][:20]]}, f, indent=1)
print(f"PyTorch {torch.__version__}: test accuracy {result['accuracy']:.4f}, loss {result['loss']:.4f}")
