#!/bin/sh
# What libpng makes of the astronaut photographs, for PNGTests: pnmtopng (Netpbm 11.01,
# libpng 1.6.39, zlib 1.2.13, with its defaults: every filter tried per row, zlib level 6
# with Z_FILTERED) writes each as a PNG; Python reads back its size, the size of its zlib
# stream, and the filter type of every row. Run from anywhere; writes libpng-astronaut.txt
# beside itself. Deterministic; not run by the tests.
set -eu
cd "$(dirname "$0")"
samples=../../../Samples
for name in astronaut.pgm astronaut.ppm; do
    pnmtopng "$samples/$name" > "/tmp/libpng-$name.png" 2>/dev/null
done
python3 - <<'PY'
import struct, zlib
with open("libpng-astronaut.txt", "w") as out:
    out.write("# sample, pnmtopng's file size, its zlib stream's size, each row's filter type; made by make-fixtures.sh\n")
    for name in ["astronaut.pgm", "astronaut.ppm"]:
        png = open(f"/tmp/libpng-{name}.png", "rb").read()
        position, stream = 8, b""
        while position < len(png):
            length, kind = struct.unpack(">I4s", png[position:position + 8])
            if kind == b"IHDR": width, height, depth, colour = struct.unpack(">IIBB", png[position + 8:position + 18])
            if kind == b"IDAT": stream += png[position + 8:position + 8 + length]
            position += 12 + length
        data = zlib.decompress(stream)
        row = width * (3 if colour == 2 else 1) + 1
        filters = "".join(str(data[y * row]) for y in range(height))
        out.write(f"{name} {len(png)} {len(stream)} {filters}\n")
PY
rm -f /tmp/libpng-astronaut.pgm.png /tmp/libpng-astronaut.ppm.png
