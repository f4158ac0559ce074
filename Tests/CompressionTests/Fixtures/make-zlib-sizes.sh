#!/bin/sh
# Records how large zlib makes fixed inputs at levels 1, 6 and 9 (`zlib.compress`: the
# 2-byte header, raw deflate, the 4-byte Adler-32), for DeflateTests to hold the
# compressor's `Zlib.compress` to. Run from anywhere; writes zlib-sizes.txt beside itself.
# Deterministic for one zlib version (the file names it); not run by the tests.
set -eu
cd "$(dirname "$0")"
python3 - <<'PY'
import zlib
files = ["Samples/astronaut.pgm", "Samples/camera.pgm", "Samples/coffee-1920x1080.pgm", "Samples/astronaut.ppm",
         "Samples/digits/train-images-idx3-ubyte", "Samples/digits/t10k-labels-idx1-ubyte",
         "Tests/CompressionTests/Fixtures/text.txt", "Tests/CompressionTests/Fixtures/binary.bin"]
with open("zlib-sizes.txt", "w") as out:
    out.write(f"# path from the top of the repository, level, len(zlib.compress(data, level)) with zlib {zlib.ZLIB_VERSION}; made by make-zlib-sizes.sh\n")
    for path in files:
        data = open("../../../" + path, "rb").read()
        for level in (1, 6, 9):
            out.write(f"{path} {level} {len(zlib.compress(data, level))}\n")
PY
