#!/bin/sh
# Makes the Compression fixtures: gzip files written by the real gzip (GNU gzip 1.12),
# raw deflate and zlib streams written by zlib (through Python's zlib module), and
# hand-assembled deflate streams for the cases neither writes (distance 32768, single
# and empty codes, every kind of invalid stream), each checked against zlib, which
# must accept the valid ones and refuse the invalid ones. Run from anywhere; writes
# beside itself. Deterministic: the same files on every run. Not run by the tests.
set -eu
cd "$(dirname "$0")"
export LC_ALL=C

python3 - <<'PY'
import random
# Text: words of varied lengths and frequencies, numbers, punctuation, line breaks.
rng = random.Random(1951)
words = ("the of and a to in is you that it he was for on are as with his they I at be this "
         "have from or one had by word but not what all were we when your can said there use an "
         "each which she do how their if will up other about out many then them these so some "
         "deflate huffman literal distance window gzip member trailer checksum").split()
lines = []
for i in range(120):
    n = rng.randint(3, 14)
    line = " ".join(rng.choice(words[: rng.randint(5, len(words))]) for _ in range(n))
    if rng.random() < 0.3: line += f" {rng.randint(0, 10**rng.randint(1, 9))}"
    lines.append(line.capitalize() + rng.choice([".", ",", ";", "!", "?", ":"]))
open("text.txt", "w").write("\n".join(lines) + "\n")

# Binary: a ramp, seeded noise, little-endian counters, zero runs, a repeated record.
rng = random.Random(1952)
data = bytearray(range(256)) * 2
data += bytes(rng.getrandbits(8) for _ in range(1024))
for i in range(300): data += (i * 2654435761 % 2**32).to_bytes(4, "little")
data += bytes(700)
record = bytes(rng.getrandbits(8) for _ in range(37))
for i in range(20): data += record + bytes([i])
data += bytes(rng.getrandbits(3) for _ in range(600))
open("binary.bin", "wb").write(data)
PY

# Every gzip level on both; without a name (-n) and, at -9, with one (FNAME, MTIME).
for level in 1 2 3 4 5 6 7 8 9; do
    gzip -n -$level -c text.txt > text-$level.gz
    gzip -n -$level -c binary.bin > binary-$level.gz
done
touch -d '2024-01-02 03:04:05 UTC' text.txt
gzip -9 -c text.txt > text-named.gz
: > empty
gzip -n -c empty > empty.gz
rm empty
cat text-6.gz binary-6.gz > multi.gz

python3 - <<'PY'
import zlib, random, struct, subprocess

text = open("text.txt", "rb").read()
binary = open("binary.bin", "rb").read()

def raw(data, level=9, strategy=zlib.Z_DEFAULT_STRATEGY, chunks=None):
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 9, strategy)
    if chunks is None: return c.compress(data) + c.flush()
    out = b""
    for i in range(0, len(data), chunks): out += c.compress(data[i:i + chunks]) + c.flush(zlib.Z_FULL_FLUSH)
    return out + c.flush()

# Stored blocks, of 1000 bytes and empty ones (each full flush adds an empty stored block).
stored = raw(binary, level=0, chunks=1000)
assert zlib.decompress(stored, -15) == binary
open("binary-stored.deflate", "wb").write(stored)
# Fixed Huffman blocks only (Z_FIXED).
fixed = raw(text, strategy=zlib.Z_FIXED)
assert zlib.decompress(fixed, -15) == text and fixed[0] & 6 == 2
open("text-fixed.deflate", "wb").write(fixed)
open("text-9.deflate", "wb").write(raw(text))
open("text.zlib", "wb").write(zlib.compress(text, 9))
open("binary-stored.zlib", "wb").write(zlib.compress(binary, 0))

# All five flags: FTEXT, FHCRC, FEXTRA (two subfields), FNAME, FCOMMENT.
header = b"\x1f\x8b\x08\x1f" + struct.pack("<I", 1700000000) + b"\x02\x03"
extra = b"AB" + struct.pack("<H", 3) + b"xyz" + b"CD" + struct.pack("<H", 0)
header += struct.pack("<H", len(extra)) + extra + b"text.txt\x00" + b"a comment\x00"
header += struct.pack("<H", zlib.crc32(header) & 0xFFFF)
flags = header + raw(text) + struct.pack("<II", zlib.crc32(text), len(text))
open("flags.gz", "wb").write(flags)
bad = bytearray(flags); bad[len(header) - 1] ^= 0x01
open("bad-header-crc.gz", "wb").write(bytes(bad))

# Corrupt gzip files, from a small member.
short = subprocess.run(["gzip", "-n", "-9", "-c"], input=b"a short gzip member, to be damaged\n", capture_output=True, check=True).stdout
open("short.gz", "wb").write(short)
def damaged(name, fn):
    b = bytearray(short); fn(b); open(name, "wb").write(bytes(b))
damaged("bad-magic.gz", lambda b: b.__setitem__(1, 0x8c))
damaged("bad-method.gz", lambda b: b.__setitem__(2, 7))
damaged("reserved-flag.gz", lambda b: b.__setitem__(3, b[3] | 0x20))
damaged("bad-crc.gz", lambda b: b.__setitem__(len(b) - 6, b[len(b) - 6] ^ 0x40))
damaged("bad-isize.gz", lambda b: b.__setitem__(len(b) - 4, b[len(b) - 4] + 1))
damaged("trailing-garbage.gz", lambda b: b.extend(b"junk"))
damaged("trailing-zeros.gz", lambda b: b.extend(bytes(4)))
damaged("bad-block-type.gz", lambda b: b.__setitem__(10, b[10] | 0x06))  # first block: BTYPE 3

# Hand-assembled deflate streams.
class Bits:
    def __init__(self): self.acc, self.n, self.out = 0, 0, bytearray()
    def put(self, value, count):  # data elements: least significant bit first
        self.acc |= value << self.n; self.n += count
        while self.n >= 8: self.out.append(self.acc & 255); self.acc >>= 8; self.n -= 8
    def code(self, code, length):  # Huffman codes: most significant bit first
        self.put(int(format(code, f"0{length}b")[::-1], 2), length)
    def done(self):
        if self.n: self.out.append(self.acc & 255)
        return bytes(self.out)

LBASE = [3,4,5,6,7,8,9,10,11,13,15,17,19,23,27,31,35,43,51,59,67,83,99,115,131,163,195,227,258]
LEXTRA = [0]*8 + [1]*4 + [2]*4 + [3]*4 + [4]*4 + [5]*4 + [0]
DBASE = [1,2,3,4,5,7,9,13,17,25,33,49,65,97,129,193,257,385,513,769,1025,1537,2049,3073,4097,6145,8193,12289,16385,24577]
DEXTRA = [0,0,0,0] + [i // 2 for i in range(2, 28)]

def canonical(lengths):
    count = [0] * 16
    for l in lengths: count[l] += 1
    count[0] = 0; code = 0; nxt = [0] * 16
    for bits in range(1, 16): code = (code + count[bits - 1]) << 1; nxt[bits] = code
    codes = {}
    for s, l in enumerate(lengths):
        if l: codes[s] = (nxt[l], l); nxt[l] += 1
    return codes

FIXED_LIT = canonical([8] * 144 + [9] * 112 + [7] * 24 + [8] * 8)
FIXED_DIST = canonical([5] * 32)

class Block:
    """Symbols of one Huffman block: literals, (length, distance) matches, end of block."""
    def __init__(self, bits, lit, dist): self.b, self.lit, self.dist = bits, lit, dist
    def literal(self, byte): self.b.code(*self.lit[byte])
    def match(self, length, distance, lsym=None, dsym=None):
        lsym = lsym if lsym is not None else 257 + max(i for i in range(29) if LBASE[i] <= length)
        self.b.code(*self.lit[lsym]); self.b.put(length - LBASE[lsym - 257], LEXTRA[lsym - 257])
        dsym = dsym if dsym is not None else max(i for i in range(30) if DBASE[i] <= distance)
        self.b.code(*self.dist[dsym])
        if dsym < 30: self.b.put(distance - DBASE[dsym], DEXTRA[dsym])
    def end(self): self.b.code(*self.lit[256])

def fixed_block(b, final=1):
    b.put(final, 1); b.put(1, 2); return Block(b, FIXED_LIT, FIXED_DIST)

CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
CL_LENGTHS = [5] * 16 + [2, 3, 3]  # a complete code length code: 16 × 2^-5 + 2^-2 + 2 × 2^-3

def dynamic_block(b, litlens, distlens, final=1, sequence=None, cl=CL_LENGTHS, hlit=None, hdist=None, hclen=19):
    """A dynamic block header; `sequence` of code length symbols (symbol, extra) or the plain lengths."""
    b.put(final, 1); b.put(2, 2)
    b.put((hlit if hlit is not None else len(litlens)) - 257, 5)
    b.put((hdist if hdist is not None else len(distlens)) - 1, 5)
    b.put(hclen - 4, 4)
    for s in CL_ORDER[:hclen]: b.put(cl[s], 3)
    clcodes = canonical(cl)
    for sym, extra in (sequence if sequence is not None else [(l, None) for l in litlens + distlens]):
        b.code(*clcodes[sym])
        if sym == 16: b.put(extra, 2)
        elif sym == 17: b.put(extra, 3)
        elif sym == 18: b.put(extra, 7)
    return Block(b, canonical(litlens), canonical(distlens))

def lit_lengths(spec, n=257):
    lengths = [0] * n
    for s, l in spec.items(): lengths[s] = l
    return lengths

valid, invalid = [], []
def case(name, data, expected_error=None):
    try:
        out = zlib.decompress(data, -15)
        assert expected_error is None, f"{name}: zlib accepts it"
        valid.append((name, data, out))
    except zlib.error as e:
        assert expected_error is not None, f"{name}: zlib refuses it: {e}"
        invalid.append((name, data, str(e).split(": ", 1)[1]))

# --- Valid: zlib accepts each.
b = Bits(); b.put(1, 1); b.put(0, 2); b.put(0, 5); b.out += b"\x00\x00\xff\xff"; case("empty-stored", b.done())
b = Bits(); fixed_block(b).end(); case("empty-fixed", b.done())
b = Bits(); k = fixed_block(b); k.literal(ord("a")); k.match(258, 1, lsym=284); k.end(); case("length-258-as-284-plus-31", b.done())
b = Bits(); k = fixed_block(b); k.literal(ord("a")); k.match(258, 1); k.match(3, 1); k.end(); case("length-258-and-3", b.done())
# Stored, fixed and dynamic blocks in one stream.
b = Bits(); b.put(0, 1); b.put(0, 2); b.put(0, 5); b.out += b"\x03\x00\xfc\xffabc"
k = fixed_block(b, final=0); k.literal(ord("d")); k.match(4, 4); k.end()
lits = lit_lengths({ord("x"): 1, 256: 2, 257: 2}, 258)
k = dynamic_block(b, lits, [1, 1]); k.literal(ord("x")); k.match(3, 2); k.end()
case("stored-fixed-dynamic", b.done())
# One distance code (zlib allows an incomplete code of a single 1-bit symbol).
b = Bits(); k = dynamic_block(b, lits, [1]); k.literal(ord("x")); k.match(3, 1); k.end(); case("single-distance-code", b.done())
# No distance code at all: a block of literals only.
b = Bits(); k = dynamic_block(b, lit_lengths({ord("x"): 1, 256: 1}), [0]); k.literal(ord("x")); k.literal(ord("x")); k.end(); case("no-distance-codes", b.done())
# Only end-of-block in the literal/length code: one 1-bit code.
b = Bits(); k = dynamic_block(b, lit_lengths({256: 1}), [0]); k.end(); case("only-end-of-block", b.done())
# Codes of 1 to 15 bits in both codes (the decoder's subtables); distance 1 has a 15-bit code.
spec = {ord("a") + i: i + 1 for i in range(14)}; spec[256] = 15; spec[257] = 15
dists = [15 - i for i in range(15)] + [15]
b = Bits(); k = dynamic_block(b, lit_lengths(spec, 258), dists)
for i in range(14): k.literal(ord("a") + i)
k.match(3, 1); k.match(3, 2); k.end(); case("codes-up-to-15-bits", b.done())
# Repeat codes: 16 across the literal/length–distance boundary, 17 and 18 for zeros.
lens = [0] * 120 + [2] + [0] * 135 + [2, 2, 2] + [2, 2, 2, 2]
seq = [(18, 120 - 11), (2, None), (18, 135 - 11), (2, None), (2, None), (16, 2)]  # five more 2s: 258 and 4 distances
k = dynamic_block(b := Bits(), lens[:259], lens[259:], sequence=seq); k.literal(ord("x")); k.match(4, 1); k.match(3, 3); k.end()
case("repeat-codes", b.done())
# Distance 32768, the farthest deflate can reach, after 32768 seeded random literals
# (zlib's encoder never goes beyond 32506). Only the gzip file is kept: its trailer's
# CRC-32 and ISIZE (of what zlib decodes) stand for the expected output.
rng = random.Random(32768)
prefix = bytes(rng.getrandbits(8) for _ in range(32768))
b = Bits(); k = fixed_block(b)
for x in prefix: k.literal(x)
k.match(258, 32768); k.match(258, 32768); k.end()
far = b.done()
assert zlib.decompress(far, -15) == prefix + prefix[:516]
open("distance-32768.gz", "wb").write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + far + struct.pack("<II", zlib.crc32(prefix + prefix[:516]), len(prefix) + 516))

# --- Invalid: zlib refuses each; its message is recorded.
case("empty-input", b"", True)
case("block-type-3", b"\x07", True)
case("stored-lengths", b"\x01\x05\x00\x00\x00abcde", True)
case("stored-truncated", b"\x01\x05\x00\xfa\xffab", True)
case("no-final-block", b"\x00\x00\x00\xff\xff", True)
b = Bits(); b.put(1, 1); b.put(2, 2); b.put(30, 5); b.put(0, 5); b.put(15, 4); b.put(0, 24); case("too-many-literal-codes", b.done(), True)
b = Bits(); b.put(1, 1); b.put(2, 2); b.put(0, 5); b.put(30, 5); b.put(15, 4); b.put(0, 24); case("too-many-distance-codes", b.done(), True)
b = Bits(); dynamic_block(b, lits, [1], cl=[1] * 16 + [1, 1, 1]); b.put(0, 16); case("code-lengths-over-subscribed", b.done(), True)
b = Bits(); dynamic_block(b, lits, [1], cl=[0] * 16 + [0, 0, 0], hclen=4, sequence=[]); b.put(0, 300); case("code-lengths-empty", b.done(), True)
b = Bits(); dynamic_block(b, lits, [1], cl=[1] + [0] * 18, sequence=[]); b.put(0, 16); case("code-lengths-incomplete", b.done(), True)
b = Bits(); dynamic_block(b, lits, [1], sequence=[(16, 0)]); b.put(0, 16); case("repeat-first", b.done(), True)
b = Bits(); dynamic_block(b, lits, [1], sequence=[(18, 127), (18, 127), (18, 127)]); b.put(0, 16); case("repeat-past-end", b.done(), True)
b = Bits(); dynamic_block(b, lit_lengths({ord("x"): 1, 255: 1}), [1]); b.put(0, 16); case("missing-end-of-block", b.done(), True)
b = Bits(); dynamic_block(b, lit_lengths({ord("x"): 1, 256: 1, 255: 1}), [1]); b.put(0, 16); case("literal-codes-over-subscribed", b.done(), True)
b = Bits(); dynamic_block(b, lit_lengths({ord("x"): 1, 256: 2}), [1]); b.put(0, 16); case("literal-codes-incomplete", b.done(), True)
b = Bits(); dynamic_block(b, lits, [1, 1, 1]); b.put(0, 16); case("distance-codes-over-subscribed", b.done(), True)
b = Bits(); dynamic_block(b, lits, [1, 2]); b.put(0, 16); case("distance-codes-incomplete", b.done(), True)
b = Bits(); k = fixed_block(b); k.literal(ord("a")); b.code(*FIXED_LIT[286]); b.put(0, 16); case("literal-code-286", b.done(), True)
b = Bits(); k = fixed_block(b); k.literal(ord("a")); k.match(3, 1, dsym=30); b.put(0, 16); case("distance-code-30", b.done(), True)
b = Bits(); k = fixed_block(b); k.literal(ord("a")); k.match(3, 2); k.end(); case("distance-too-far", b.done(), True)
b = Bits(); k = fixed_block(b); k.match(3, 1); k.end(); case("distance-at-start", b.done(), True)
b = Bits(); k = dynamic_block(b, lits, [1]); k.literal(ord("x")); b.code(*k.lit[257]); b.code(1, 1); b.put(0, 16); case("unused-distance-code", b.done(), True)
b = Bits(); k = dynamic_block(b, lit_lengths({256: 1}), [0]); b.code(1, 1); b.put(0, 16); case("unused-literal-code", b.done(), True)
b = Bits(); k = fixed_block(b); [k.literal(x) for x in b"truncated"]; case("truncated-in-data", b.done(), True)
b = Bits(); dynamic_block(b, lits, [1]); case("truncated-after-header", b.done()[:-1], True)
b = Bits(); b.put(1, 1); b.put(2, 2); b.put(29, 5); case("truncated-in-header", b.done(), True)

with open("deflate-valid.txt", "w") as f:
    f.write("# name, raw deflate stream (hex), what zlib decodes it to (hex); made by make-fixtures.sh\n")
    for name, data, out in valid: f.write(f"{name} {data.hex()} {out.hex()}\n")
with open("deflate-invalid.txt", "w") as f:
    f.write("# name, raw deflate stream (hex), zlib's message refusing it; made by make-fixtures.sh\n")
    for name, data, message in invalid: f.write(f"{name} {data.hex() or '-'} {message}\n")
PY

# gzip's own verdict on each gzip fixture, good and bad (for the README; not checked).
for f in *.gz; do
    status=0; message=$(gzip -t "$f" 2>&1) || status=$?
    echo "$f: status $status${message:+, }$(echo "$message" | sed 's/^gzip: //' | tr '\n' ' ')"
done > gzip-verdicts.txt
