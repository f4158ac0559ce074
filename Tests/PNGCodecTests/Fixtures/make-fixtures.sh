#!/bin/sh
# Makes the PNGCodec fixtures: PNGs written by ImageMagick (`convert`), by netpbm's
# `pnmtopng`, and by hand in Python (zlib and struct only) for what the tools cannot be
# told to write (a chosen filter type on every row, padding bits, split and empty IDAT
# chunks, ancillary chunks, tiny interlaced images); the expected pixels of each, as a PGM
# or PPM; and damaged PNGs, one per check of the reader. Every valid PNG is also decoded
# by libpng (netpbm's `pngtopam`), which must give the expected pixels, and the header of
# every tool-made PNG is checked to be the mode asked for. Run from anywhere; writes beside
# itself. Deterministic: the same files on every run. Not run by the tests.
#
# Needs python3, ImageMagick 6 (`apt-get install imagemagick`) and netpbm
# (`apt-get install netpbm`).
set -eu
cd "$(dirname "$0")"
export LC_ALL=C
rm -f ./*.png ./*.pgm ./*.ppm valid.txt libpng-verdicts.txt
work=$(mktemp -d "${TMPDIR:-/tmp}/png-fixtures.XXXXXX")
trap 'rm -rf "$work"' EXIT
export WORK="$work"

python3 - <<'PY'
import os, random, struct, subprocess, zlib

WORK = os.environ["WORK"]
# ImageMagick itself, not a wrapper that some machines put first on the PATH.
CONVERT = "/usr/bin/convert" if os.path.exists("/usr/bin/convert") else "convert"
W, H = 13, 11  # odd sizes: every Adam7 pass is partial, every sub-byte row is padded
GRAY, RGB, PALETTE, GRAY_ALPHA, RGBA = 0, 2, 3, 4, 6
STORED = {GRAY: 1, RGB: 3, PALETTE: 1, GRAY_ALPHA: 2, RGBA: 4}
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]

# The modes: name, colour type, bit depth.
MODES = [("gray1", GRAY, 1), ("gray2", GRAY, 2), ("gray4", GRAY, 4), ("gray8", GRAY, 8), ("gray16", GRAY, 16),
         ("rgb8", RGB, 8), ("rgb16", RGB, 16),
         ("palette1", PALETTE, 1), ("palette2", PALETTE, 2), ("palette4", PALETTE, 4), ("palette8", PALETTE, 8),
         ("gray-alpha8", GRAY_ALPHA, 8), ("gray-alpha16", GRAY_ALPHA, 16), ("rgba8", RGBA, 8), ("rgba16", RGBA, 16)]
# Palette sizes: more colours than the next smaller depth holds, so the tools pick this depth.
PALETTE_SIZE = {1: 2, 2: 4, 4: 16, 8: 40}

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

def ihdr(w, h, depth, ctype, interlace=0, compression=0, filter_method=0):
    return chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, compression, filter_method, interlace))

SIGNATURE = b"\x89PNG\r\n\x1a\n"

def make_image(rng, w, h, ctype, depth):
    """Seeded pixels: each a tuple of stored samples (an index for a palette), and the palette."""
    top = (1 << depth) - 1
    palette = None
    if ctype == PALETTE:
        palette = []
        while len(palette) < PALETTE_SIZE[depth]:
            c = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
            if c not in palette and len(set(c)) > 1: palette.append(c)  # distinct, and not grey
        n = len(palette)
        indices = [i % n if i < n else rng.randrange(n) for i in range(w * h)]  # every entry used
        return [(i,) for i in indices], palette
    pixels = []
    for _ in range(w * h):
        colour = tuple(rng.randrange(top + 1) for _ in range(1 if ctype in (GRAY, GRAY_ALPHA) else 3))
        alpha = (rng.randrange(1, top + 1),) if ctype in (GRAY_ALPHA, RGBA) else ()  # never 0: the tools keep the colour
        pixels.append(colour + alpha)
    return pixels, palette

def expected_samples(pixels, ctype, palette):
    """What the reader must give: grey or red, green, blue per pixel, the alpha dropped."""
    if ctype == PALETTE: return [s for (i,) in pixels for s in palette[i]]
    return [s for p in pixels for s in p[:1 if ctype in (GRAY, GRAY_ALPHA) else 3]]

def write_pnm(path, w, h, maxval, channels, samples):
    header = b"P%d\n%d %d\n%d\n" % (5 if channels == 1 else 6, w, h, maxval)
    data = b"".join(struct.pack(">H", s) for s in samples) if maxval > 255 else bytes(samples)
    open(path, "wb").write(header + data)

def read_pnm(data):
    """A P4, P5 or P6 file (what pngtopam writes) as (w, h, maxval, channels, samples); P4 as maxval 1, 1 = white."""
    fields, i = [], 2
    while len(fields) < (2 if data[:2] == b"P4" else 3):
        while data[i] in b" \t\r\n": i += 1
        j = i
        while data[j] not in b" \t\r\n": j += 1
        fields.append(int(data[i:j])); i = j
    i += 1
    w, h = fields[0], fields[1]
    if data[:2] == b"P4":
        row = (w + 7) // 8
        return w, h, 1, 1, [1 - (data[i + y * row + x // 8] >> (7 - x % 8) & 1) for y in range(h) for x in range(w)]
    maxval, channels = fields[2], 1 if data[:2] == b"P5" else 3
    n = w * h * channels
    if maxval > 255: return w, h, maxval, channels, list(struct.unpack(">%dH" % n, data[i:i + 2 * n]))
    return w, h, maxval, channels, list(data[i:i + n])

def pack(samples, depth, pad_ones):
    """One scanline's samples as bytes, most significant bits first; the padding bits set if pad_ones."""
    if depth == 16: return b"".join(struct.pack(">H", s) for s in samples)
    if depth == 8: return bytes(samples)
    out, acc, n = bytearray(), 0, 0
    for s in samples:
        acc, n = acc << depth | s, n + depth
        if n == 8: out.append(acc); acc, n = 0, 0
    if n: out.append(acc << (8 - n) | ((1 << (8 - n)) - 1 if pad_ones else 0))
    return bytes(out)

def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c

def filtered(kind, row, prior, unit):
    """The scanline `row` under filter type `kind` (section 9.2), `prior` the row above (zeros for the first)."""
    out = bytearray([kind])
    for i, x in enumerate(row):
        a = row[i - unit] if i >= unit else 0
        b = prior[i]
        c = prior[i - unit] if i >= unit else 0
        predictor = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
        out.append((x - predictor) & 255)
    return bytes(out)

def scanlines(w, h, ctype, depth, pixels, interlace, filter_of, pad_ones=True):
    """The filtered scanlines: filter_of(pass, row) is each one's filter type."""
    unit = max(1, depth * STORED[ctype] // 8)
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    data = bytearray()
    for p, (x0, y0, dx, dy) in enumerate(passes):
        xs, ys = range(x0, w, dx), range(y0, h, dy)
        if not xs or not ys: continue  # an empty pass has no scanlines
        prior = None
        for r, y in enumerate(ys):
            row = pack([s for x in xs for s in pixels[y * w + x]], depth, pad_ones)
            data += filtered(filter_of(p, r), row, prior or bytes(len(row)), unit)
            prior = row
    return bytes(data)

def png(w, h, ctype, depth, idat, interlace=0, palette=None, before=(), after_plte=(), after=(), split=()):
    """A PNG: IHDR, `before` chunks, PLTE, `after_plte` chunks, the zlib stream `idat` cut at
    the offsets `split`, `after` chunks, IEND."""
    out = SIGNATURE + ihdr(w, h, depth, ctype, interlace)
    for c in before: out += c
    if palette is not None: out += chunk(b"PLTE", bytes(v for c in palette for v in c))
    for c in after_plte: out += c
    cuts = [0, *split, len(idat)]
    for i in range(len(cuts) - 1): out += chunk(b"IDAT", idat[cuts[i]:cuts[i + 1]])
    for c in after: out += c
    return out + chunk(b"IEND", b"")

def header_of(path):
    d = open(path, "rb").read()
    w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", d[16:29])
    return w, h, depth, ctype, interlace

def libpng(path):
    run = subprocess.run(["pngtopam", path], capture_output=True, check=True)
    assert not run.stderr, f"{path}: pngtopam says {run.stderr!r}"
    return read_pnm(run.stdout)

manifest = []
def valid(name, expected, w, h, ctype, depth, interlace, trns, samples):
    """Checks `name` against libpng and its own header, and lists it in valid.txt."""
    assert header_of(name) == (w, h, depth, ctype, interlace), f"{name}: made as {header_of(name)}, wanted {(w, h, depth, ctype, interlace)}"
    maxval = 255 if ctype == PALETTE else (1 << depth) - 1
    channels = 1 if ctype in (GRAY, GRAY_ALPHA) else 3
    assert libpng(name) == (w, h, maxval, channels, samples), f"{name}: libpng decodes other pixels"
    manifest.append(f"{name} {expected} {depth} {ctype} {interlace} {trns}")

rng = random.Random(15948)  # ISO/IEC 15948, PNG
images = {}
for index, (mode, ctype, depth) in enumerate(MODES):
    pixels, palette = make_image(rng, W, H, ctype, depth)
    images[mode] = (pixels, palette)
    samples = expected_samples(pixels, ctype, palette)
    channels = 1 if ctype in (GRAY, GRAY_ALPHA) else 3
    expected = mode + (".pgm" if channels == 1 else ".ppm")
    write_pnm(expected, W, H, 255 if ctype == PALETTE else (1 << depth) - 1, channels, samples)

    # Sources for the tools: the colour as PGM or PPM, the alpha as a PGM.
    top = (1 << depth) - 1
    source = os.path.join(WORK, expected)
    write_pnm(source, W, H, 255 if ctype == PALETTE else top, channels, samples)
    alpha = os.path.join(WORK, mode + "-alpha.pgm")
    if ctype in (GRAY_ALPHA, RGBA): write_pnm(alpha, W, H, top, 1, [p[-1] for p in pixels])

    # By hand: the filter types in turn, each mode starting with another, so that every
    # type is also on a first row (of the image, and of each Adam7 pass); padding bits set;
    # the zlib stream cut into three IDAT chunks and an empty one; ancillary chunks to skip.
    trns = []
    if ctype == PALETTE: trns = [chunk(b"tRNS", bytes(range(0, 256, 97))[:len(palette)])]
    elif ctype == GRAY: trns = [chunk(b"tRNS", struct.pack(">H", pixels[0][0]))]
    elif ctype == RGB: trns = [chunk(b"tRNS", struct.pack(">HHH", *pixels[0]))]
    text = chunk(b"tEXt", b"Comment\x00made by make-fixtures.sh")
    private = chunk(b"prVt", b"an ancillary private chunk, skipped")
    for interlace in (0, 1):
        data = scanlines(W, H, ctype, depth, pixels, interlace, lambda p, r: (r + p + index) % 5)
        stream = zlib.compress(data, 0 if index % 4 == 0 else 9)  # some in stored blocks
        thirds = [len(stream) // 3, len(stream) // 3, 2 * len(stream) // 3]  # an empty IDAT in between
        name = f"python-{mode}{'-adam7' if interlace else ''}.png"
        open(name, "wb").write(png(W, H, ctype, depth, stream, interlace, palette, before=[text], after_plte=trns, after=[private], split=thirds))
        valid(name, expected, W, H, ctype, depth, interlace, int(bool(trns)), samples)

    # ImageMagick, plain and interlaced; -strip leaves out its date and gamma chunks.
    if ctype == PALETTE: kind = ["-define", "png:color-type=3", "-define", f"png:bit-depth={depth}"]
    else: kind = ["-define", f"png:color-type={ctype}", "-define", f"png:bit-depth={depth}"]
    inputs = [source] + ([alpha, "-alpha", "off", "-compose", "CopyOpacity", "-composite"] if ctype in (GRAY_ALPHA, RGBA) else [])
    for interlace in (0, 1):
        name = f"imagemagick-{mode}{'-adam7' if interlace else ''}.png"
        subprocess.run([CONVERT, *inputs, "-strip", *kind, "-interlace", "PNG" if interlace else "None", name], check=True)
        valid(name, expected, W, H, ctype, depth, interlace, 0, samples)

    # pnmtopng: -force keeps truecolour from becoming a palette (and palette images are
    # what pnmtopng makes of a PPM with few colours); -alpha adds the alpha channel.
    options = ([] if ctype == PALETTE else ["-force"]) + ([f"-alpha={alpha}"] if ctype in (GRAY_ALPHA, RGBA) else [])
    name = f"pnmtopng-{mode}.png"
    open(name, "wb").write(subprocess.run(["pnmtopng", *options, source], capture_output=True, check=True).stdout)
    valid(name, expected, W, H, ctype, depth, 0, 0, samples)
    # pnmtopng with one filter type on every row, on sub-byte pixels, palette indices, bytes
    # and 16-bit samples; and interlaced with each filter type.
    runs = []
    if mode in ("gray2", "palette4", "rgb8", "rgba16"): runs = [(f, 0) for f in ("nofilter", "sub", "up", "avg", "paeth")]
    if mode in ("gray1", "gray-alpha16"): runs = [(f, 1) for f in ("nofilter", "sub", "up", "avg", "paeth")]
    for f, interlace in runs:
        name = f"pnmtopng-{mode}-{f}{'-adam7' if interlace else ''}.png"
        extra = [f"-{f}"] + (["-interlace"] if interlace else [])
        open(name, "wb").write(subprocess.run(["pnmtopng", *options, *extra, source], capture_output=True, check=True).stdout)
        valid(name, expected, W, H, ctype, depth, interlace, 0, samples)

# Tiny interlaced images, by hand: passes with no columns or no rows have no scanlines.
for (mode, ctype, depth), (w, h) in [(("gray1", GRAY, 1), (1, 1)), (("rgb16", RGB, 16), (2, 3)),
                                     (("palette2", PALETTE, 2), (9, 1)), (("gray4", GRAY, 4), (1, 9)),
                                     (("rgba8", RGBA, 8), (4, 4))]:
    pixels, palette = make_image(rng, w, h, ctype, depth)
    samples = expected_samples(pixels, ctype, palette)
    channels = 1 if ctype in (GRAY, GRAY_ALPHA) else 3
    name = f"python-{mode}-{w}x{h}-adam7.png"
    expected = name[:-4] + (".pgm" if channels == 1 else ".ppm")
    write_pnm(expected, w, h, 255 if ctype == PALETTE else (1 << depth) - 1, channels, samples)
    data = scanlines(w, h, ctype, depth, pixels, 1, lambda p, r: (p + r) % 5)
    open(name, "wb").write(png(w, h, ctype, depth, zlib.compress(data, 9), 1, palette))
    valid(name, expected, w, h, ctype, depth, 1, 0, samples)

# A palette longer than 2^depth: the specification says it shall not be; libpng and this
# reader accept it (no index reaches the extra entries).
pixels = [(i % 2,) for i in range(15)]
palette = [(200, 0, 0), (0, 200, 0), (0, 0, 200), (9, 9, 9), (1, 2, 3)]
data = scanlines(5, 3, PALETTE, 1, pixels, 0, lambda p, r: r % 5)
open("python-palette1-long-palette.png", "wb").write(png(5, 3, PALETTE, 1, zlib.compress(data, 9), 0, palette))
write_pnm("python-palette1-long-palette.ppm", 5, 3, 255, 3, expected_samples(pixels, PALETTE, palette))
valid("python-palette1-long-palette.png", "python-palette1-long-palette.ppm", 5, 3, PALETTE, 1, 0, 0, expected_samples(pixels, PALETTE, palette))

open("valid.txt", "w").write(
    "# Valid PNGs (made by make-fixtures.sh, each decoded by libpng to the same pixels):\n"
    "# file, expected pixels, bit depth, colour type, interlace method, whether it has tRNS\n"
    + "\n".join(manifest) + "\n")

# --- Damaged PNGs, from small valid ones: 5×3 greyscale, a 2-bit palette image.
pixels = [(v,) for v in [0, 50, 100, 150, 200, 10, 60, 110, 160, 210, 20, 70, 120, 170, 220]]
gray_lines = scanlines(5, 3, GRAY, 8, pixels, 0, lambda p, r: r % 5)
gray_stream = zlib.compress(gray_lines, 9)
base = png(5, 3, GRAY, 8, gray_stream)
write_pnm("bad-base.pgm", 5, 3, 255, 1, [p[0] for p in pixels])
open("bad-base.png", "wb").write(base)
assert libpng("bad-base.png")[4] == [p[0] for p in pixels]

def bad(name, data):
    open(f"bad-{name}.png", "wb").write(data)

def with_idat(stream, w=5, h=3, ctype=GRAY, depth=8, interlace=0, palette=None):
    return png(w, h, ctype, depth, stream, interlace, palette)

idat_at = len(SIGNATURE) + 25  # the IDAT chunk of `base` starts after the signature and IHDR
idat_data = idat_at + 8
bad("empty", b"")
bad("signature-only", SIGNATURE)
bad("not-png", open("bad-base.pgm", "rb").read())
bad("signature-crlf", base[:4] + b"\n" + base[6:])  # CR LF → LF, as a text-mode transfer does
bad("signature-cut", SIGNATURE[:5])
bad("crc-idat", base[:idat_data + len(gray_stream)] + bytes([base[idat_data + len(gray_stream)] ^ 0x20]) + base[idat_data + len(gray_stream) + 1:])
text = chunk(b"tEXt", b"Comment\x00a damaged ancillary chunk")
bad("crc-ancillary", base[:idat_at] + text[:-1] + bytes([text[-1] ^ 1]) + base[idat_at:])
bad("truncated-in-idat", base[:idat_data + len(gray_stream) // 2])
bad("truncated-in-length", base[:idat_at + 5])
bad("missing-iend", base[:-12])
bad("after-iend", base + b"junk")
bad("iend-data", base[:-12] + chunk(b"IEND", b"\x00"))
bad("no-idat", SIGNATURE + ihdr(5, 3, 8, GRAY) + chunk(b"IEND", b""))
bad("ihdr-not-first", SIGNATURE + text + base[8:])
bad("ihdr-twice", base[:idat_at] + ihdr(5, 3, 8, GRAY) + base[idat_at:])
bad("ihdr-length", SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", 5, 3, 8, 0, 0, 0, 0) + b"\x00") + base[idat_at:])
for name, fields in [("width-0", (0, 3, 8, GRAY)), ("height-0", (5, 0, 8, GRAY)), ("width-2-31", (1 << 31, 3, 8, GRAY)),
                     ("gray-depth-3", (5, 3, 3, GRAY)), ("rgb-depth-4", (5, 3, 4, RGB)), ("palette-depth-16", (5, 3, 16, PALETTE)),
                     ("gray-alpha-depth-1", (5, 3, 1, GRAY_ALPHA)), ("colour-type-5", (5, 3, 8, 5)), ("colour-type-1", (5, 3, 8, 1))]:
    bad(name, SIGNATURE + ihdr(*fields) + base[idat_at:])
bad("compression-1", SIGNATURE + ihdr(5, 3, 8, GRAY, compression=1) + base[idat_at:])
bad("filter-method-1", SIGNATURE + ihdr(5, 3, 8, GRAY, filter_method=1) + base[idat_at:])
bad("interlace-2", SIGNATURE + ihdr(5, 3, 8, GRAY, interlace=2) + base[idat_at:])
bad("chunk-length", base[:idat_at] + b"\x80\x00\x00\x00" + base[idat_at + 4:])
bad("chunk-type", base[:idat_at] + chunk(b"ID@T", b"") + base[idat_at:])
bad("unknown-critical", base[:idat_at] + chunk(b"CRIT", b"a critical chunk nobody knows") + base[idat_at:])
bad("idat-not-consecutive", png(5, 3, GRAY, 8, gray_stream[:10], after=[text]).replace(
    chunk(b"IEND", b""), chunk(b"IDAT", gray_stream[10:]) + chunk(b"IEND", b"")))
# 100000 × 100000 pixels claimed, 15 bytes of data given.
bad("large-declared", SIGNATURE + ihdr(100000, 100000, 8, GRAY) + base[idat_at:])

# The image data: a stream cut short, too little or too much data, bytes after the
# stream, a wrong Adler-32, a bad filter type (plain and in an Adam7 pass), a bomb.
bad("zlib-cut", with_idat(gray_stream[:-6]))
bad("too-little-data", with_idat(zlib.compress(gray_lines[:-6], 9)))
bad("too-much-data", with_idat(zlib.compress(gray_lines + gray_lines[:6], 9)))
bad("after-zlib-stream", with_idat(gray_stream + b"\x00\x00"))
bad("adler", with_idat(gray_stream[:-1] + bytes([gray_stream[-1] ^ 1])))
lines = bytearray(gray_lines); lines[6] = 5  # scanline 1's filter type
bad("filter-type", with_idat(zlib.compress(bytes(lines), 9)))
adam7_lines = bytearray(scanlines(5, 3, GRAY, 8, pixels, 1, lambda p, r: 0))
# 5×3 in Adam7: passes 1, 2 and 4 are one pixel each (2 bytes with the filter type),
# pass 3 is empty (it starts at row 4): pass 5's first scanline starts at byte 6.
adam7_lines[6] = 7
bad("filter-type-adam7", with_idat(zlib.compress(bytes(adam7_lines), 9), interlace=1))
# A zlib bomb: 1×1 pixel declared (2 bytes of scanline), 5,000,000 zero bytes inside.
bomb = zlib.compress(bytes(5_000_000), 9)
assert len(bomb) < 6000
bad("bomb", SIGNATURE + ihdr(1, 1, 8, GRAY) + chunk(b"IDAT", bomb) + chunk(b"IEND", b""))

# The palette.
palette = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
index_lines = scanlines(5, 3, PALETTE, 2, [(i % 3,) for i in range(15)], 0, lambda p, r: 0)
index_stream = zlib.compress(index_lines, 9)
bad("plte-missing", with_idat(index_stream, ctype=PALETTE, depth=2))
bad("plte-in-gray", with_idat(gray_stream, palette=palette))
bad("plte-length", with_idat(index_stream, ctype=PALETTE, depth=2).replace(
    chunk(b"IDAT", index_stream), chunk(b"PLTE", bytes(7)) + chunk(b"IDAT", index_stream)))
bad("plte-empty", with_idat(index_stream, ctype=PALETTE, depth=2).replace(
    chunk(b"IDAT", index_stream), chunk(b"PLTE", b"") + chunk(b"IDAT", index_stream)))
plte = chunk(b"PLTE", bytes(v for c in palette for v in c))
bad("plte-twice", with_idat(index_stream, ctype=PALETTE, depth=2, palette=palette).replace(plte, plte + plte))
rgb_stream = zlib.compress(scanlines(5, 3, RGB, 8, [(1, 2, 3)] * 15, 0, lambda p, r: 0), 9)
bad("plte-after-idat", png(5, 3, RGB, 8, rgb_stream, after=[plte]))
bad("palette-index", with_idat(zlib.compress(scanlines(5, 3, PALETTE, 2, [((i == 7) * 3,) for i in range(15)], 0, lambda p, r: 0), 9),
                               ctype=PALETTE, depth=2, palette=palette))
# What libpng (through pngtopam) says of each damaged file, for the README's comparison.
verdicts = []
for name in sorted(n for n in os.listdir(".") if n.startswith("bad-") and n.endswith(".png") and n != "bad-base.png"):
    run = subprocess.run(["pngtopam", name], capture_output=True)
    said = " / ".join(line.strip() for line in run.stderr.decode().splitlines() if line.strip()) or "-"
    verdicts.append(f"{name} {'refused' if run.returncode else 'accepted'}: {said}")
open("libpng-verdicts.txt", "w").write("# pngtopam (Netpbm 11.1.0, libpng 1.6) on each damaged file: exit status, what it printed\n"
                                       + "\n".join(verdicts) + "\n")
PY
ls -l ./*.png | awk '{ total += $5 } END { print NR " PNGs, " total " bytes" }'
