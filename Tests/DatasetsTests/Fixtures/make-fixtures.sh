#!/bin/sh
# Makes the gzipped IDX fixtures of DatasetFolderTests from Samples/digits: the first 20
# training and 10 test digits with their labels, each file gzipped by the gzip tool
# (gzip -9 -n), and a copy whose training images are cut short inside the gzip stream.
# Not run by the tests.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
digits="$here/../../../Samples/digits"
cut_idx() {  # FILE COUNT HEADER_BYTES ITEM_BYTES: the first COUNT items, the count rewritten.
    python3 - "$@" <<'PY'
import sys, struct
path, count, header, item = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
data = open(path, "rb").read()
out = bytearray(data[:header]); out[4:8] = struct.pack(">I", count)
sys.stdout.buffer.write(bytes(out) + data[header:header + count * item])
PY
}
cut_idx "$digits/train-images-idx3-ubyte" 20 16 784 | gzip -9 -n > "$here/gzipped/train-images-idx3-ubyte.gz"
cut_idx "$digits/train-labels-idx1-ubyte" 20 8 1 | gzip -9 -n > "$here/gzipped/train-labels-idx1-ubyte.gz"
cut_idx "$digits/t10k-images-idx3-ubyte" 10 16 784 | gzip -9 -n > "$here/gzipped/t10k-images-idx3-ubyte.gz"
cut_idx "$digits/t10k-labels-idx1-ubyte" 10 8 1 | gzip -9 -n > "$here/gzipped/t10k-labels-idx1-ubyte.gz"
cp "$here/gzipped/"*labels* "$here/gzipped/t10k-images-idx3-ubyte.gz" "$here/corrupt/"
head -c 3000 "$here/gzipped/train-images-idx3-ubyte.gz" > "$here/corrupt/train-images-idx3-ubyte.gz"
