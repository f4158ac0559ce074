#!/bin/sh
# Remakes the plots and drawings of docs/ (the SVG files of this folder) with the commands the pages
# show. Run from the repository's root after `swift build -c release`; the training runs
# (train, sharing, weight-decay --data digits) take a few minutes. Each run's other output
# goes to a scratch folder that is deleted afterwards.
set -eu
bin="$PWD/.build/release/conv-demo"
images="$PWD/docs/images"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/conv-demo-plots.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
cp "$images/../examples/"* . 2>/dev/null || true
ln -s "$images/../../Samples" Samples
plot() { name=$1; shift; echo "$name: conv-demo $*" >&2; "$bin" "$@" --svg "$images/$name.svg" > /dev/null; }
plot arithmetic-no-padding output-size --input 5 --kernel 3
plot arithmetic-same output-size --input 5 --kernel 3 --padding same
plot arithmetic-stride-2 output-size --input 6 --kernel 3 --stride 2
plot arithmetic-dilation-2 output-size --input 7 --kernel 3 --dilation 2
plot arithmetic-alexnet output-size --input 224 --kernel 11 --stride 4 --padding 2
plot init-stats init-stats
plot init-stats-conv init-stats --conv
plot init-stats-remedies init-stats --batchnorm --residual
plot init-stats-remedies-relu init-stats --batchnorm --residual --init kaiming-normal --activation relu
plot symmetry symmetry
plot stability stability
plot weight-decay weight-decay
plot train-digits train --save lenet5-digits.safetensors
plot weight-decay-digits weight-decay --data digits
plot sharing sharing --seeds 3
