#!/bin/sh
# Builds the libFuzzer harnesses of Tests/Fuzz into .build/fuzz/: netpbm-fuzz,
# spec-fuzz, kernelfile-fuzz and png-fuzz, with the dictionaries spec.dict, kernel.dict and
# png.dict. Run from anywhere; needs a Swift toolchain for Linux
# (which ships libFuzzer). SwiftPM does not build these.
#
# Each harness is compiled in one module with copies of the sources it tests, their
# imports of the package's own modules removed (Foundation is kept), in a scratch
# directory that is deleted afterwards. A shim written there stands in for what a
# copied file names but the harness does not need.
#
#     Tests/Fuzz/build.sh            # all four
#     Tests/Fuzz/build.sh spec       # one: netpbm, spec, kernelfile or png
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/.build/fuzz"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/conv-demo-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$out"
SWIFTC=${SWIFTC:-swiftc}
FLAGS="-O -sanitize=fuzzer,address -parse-as-library -package-name conv_demo"

# copy DIR FILE...: the files into $scratch/DIR, without `import` of the package's modules.
copy() {
    dir="$scratch/$1"; shift
    mkdir -p "$dir"
    for file in "$@"; do
        sed -E '/^[[:space:]]*(@testable[[:space:]]+)?import[[:space:]]+(SeededRandom|GEMM|Netpbm|ConvCore|Training|Reporting|Experiments|ArgumentParsing|Compression|PNGCodec)[[:space:]]*$/d' \
            "$root/$file" > "$dir/$(basename "$file")"
    done
}

build_netpbm() {
    copy netpbm Sources/Netpbm/*.swift Tests/Fuzz/NetpbmFuzz.swift
    $SWIFTC $FLAGS -module-name NetpbmFuzz "$scratch"/netpbm/*.swift -o "$out/netpbm-fuzz"
}

build_spec() {
    copy spec Sources/ConvCore/NetworkSpec*.swift Sources/ConvCore/NetworkSummary.swift \
        Sources/ConvCore/ConvGeometry.swift Sources/ConvCore/ParameterCount.swift \
        Sources/ConvCore/ShapeError.swift Tests/Fuzz/SpecFuzz.swift
    # Pooling2D.swift needs Tensor and more; the spec only names Pooling2D.Kind.
    cat > "$scratch/spec/Shim.swift" <<'SHIM'
public struct Pooling2D: Sendable {
    public enum Kind: Sendable { case max, average }
}
SHIM
    $SWIFTC $FLAGS -module-name SpecFuzz "$scratch"/spec/*.swift -o "$out/spec-fuzz"
    # A libFuzzer dictionary (-dict=): the language's words, and numbers near 2^63 and 2^31.
    cat > "$out/spec.dict" <<'DICT'
"input"
"conv"
"relu"
"tanh"
"sigmoid"
"leakyrelu"
"softmax"
"maxpool"
"avgpool"
"adaptiveavgpool"
"globalavgpool"
"relu6"
"hardswish"
"residual"
"shortcut"
"then"
"sequential"
"repeat"
"end"
"name:"
"flatten"
"fc"
"k="
"s="
"p="
"d="
"g="
"bias="
"same"
"valid"
"true"
"false"
"x"
"\xc3\x97"
";"
"#"
"\x0d\x0a"
"9223372036854775807"
"4611686018427387904"
"3037000500"
"2147483648"
"0"
DICT
}

build_kernelfile() {
    # Formatting.swift (Foundation only) for `abbreviated`, which error messages use.
    copy kernelfile Sources/Experiments/FeatureMaps/KernelFile.swift \
        Sources/Experiments/FeatureMaps/KernelBank.swift Sources/Reporting/Formatting.swift \
        Tests/Fuzz/KernelFileFuzz.swift
    $SWIFTC $FLAGS -module-name KernelFileFuzz "$scratch"/kernelfile/*.swift -o "$out/kernelfile-fuzz"
    # A libFuzzer dictionary (-dict=): the format's words, and Floats near their limits.
    cat > "$out/kernel.dict" <<'DICT'
"kernel"
"/"
"sheet"
"#"
"\x0d\x0a"
"1e-45"
"1e-38"
"1e38"
"3.4e38"
"0x1p-149"
"0x1p127"
"nan"
"inf"
"-0"
"1e39"
DICT
}

build_png() {
    # The reader and what it imports: Compression (zlib, CRC-32) and Netpbm (NetpbmImage).
    copy png Sources/PNGCodec/*.swift Sources/Compression/*.swift Sources/Netpbm/*.swift Tests/Fuzz/PNGFuzz.swift
    $SWIFTC $FLAGS -module-name PNGFuzz "$scratch"/png/*.swift -o "$out/png-fuzz"
    # A libFuzzer dictionary (-dict=): the signature, the chunk types, lengths and sizes at
    # their limits, zlib headers.
    cat > "$out/png.dict" <<'DICT'
"\x89PNG\x0d\x0a\x1a\x0a"
"IHDR"
"PLTE"
"IDAT"
"IEND"
"tRNS"
"tEXt"
"prVt"
"\x00\x00\x00\x0d"
"\x00\x00\x00\x00"
"\x7f\xff\xff\xff"
"\x80\x00\x00\x00"
"\x00\x00\x01\x00"
"\x78\x9c"
"\x78\x01"
"\x78\xda"
"\x01\x00\x00\xff\xff"
DICT
}

for harness in ${@:-netpbm spec kernelfile png}; do
    case $harness in
        netpbm|spec|kernelfile|png) echo "building $out/$harness-fuzz"; "build_$harness" ;;
        *) echo "unknown harness '$harness': expected netpbm, spec, kernelfile or png" >&2; exit 2 ;;
    esac
done
