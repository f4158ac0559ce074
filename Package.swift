// swift-tools-version:6.0
//
// conv-demo: why convolutional networks share weights, shown with real code and real
// numbers. No dependencies: the Swift toolchain only.

import Foundation
import PackageDescription

#if canImport(Darwin)
import Darwin
#endif

// MARK: - Build settings for the SIMD kernels

/// SwiftPM refuses unsafe flags in a package used as a versioned dependency; such a
/// checkout lives under `.../checkouts/`, and then gets the portable code only.
let isDependencyCheckout = Context.packageDirectory.contains("/checkouts/")

/// The GEMM's kernels, one target per instruction set, each compiled with that set's
/// flags; `GEMMKernel.selected` runs the widest the running CPU has. Swift takes its CPU
/// features from the Clang importer, so only `-Xcc -mavx2 -Xcc -mfma` turns
/// `SIMD8<Float>` arithmetic into 256-bit `vfmadd231ps` (docs/gemm.md, "Kernels for
/// each CPU"). The portable kernel is always built; the others on x86-64 only.
let gemmKernelTargets: [(name: String, flags: [String])] = {
    #if arch(x86_64)
    return isDependencyCheckout ? [] : [
        ("_GEMMKernelsAVX2", ["-mavx2", "-mfma"]),
        ("_GEMMKernelsAVX512", ["-mavx512f", "-mavx2", "-mfma"]),
    ]
    #else
    return []
    #endif
}()

/// Whether the machine running this manifest has AVX2 and FMA.
func hostHasAVX2AndFMA() -> Bool {
    #if arch(x86_64) && os(Linux)
    guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flags = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return false }
    let features = Set(flags.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }))
    return features.contains("avx2") && features.contains("fma")
    #elseif arch(x86_64) && canImport(Darwin)
    func sysctlFlag(_ name: String) -> Bool {
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        return sysctlbyname(name, &value, &size, nil, 0) == 0 && value != 0
    }
    return sysctlFlag("hw.optional.avx2_0") && sysctlFlag("hw.optional.fma")
    #else
    return false  // arm64 has fused multiply-add in its base instruction set: no flags needed.
    #endif
}

/// `CONV_DEMO_PORTABLE=1` builds ConvCore's loops for any x86-64 even on an AVX2 machine
/// (for a binary that must run on older CPUs, or to test the portable path).
let portableRequested = ["1", "yes", "true"].contains(Context.environment["CONV_DEMO_PORTABLE"]?.lowercased() ?? "")

let useAVX2FMA = hostHasAVX2AndFMA() && !portableRequested && !isDependencyCheckout

/// Settings for the targets whose SIMD loops are still compiled for the building CPU
/// (ConvCore's direct, depthwise and Winograd loops and vector functions): AVX2 + FMA
/// code generation, and the `GEMM_FMA` define that lets a loop use `addingProduct` only
/// where it is one instruction.
let simdSettings: [SwiftSetting] = useAVX2FMA
    ? [.unsafeFlags(["-Xcc", "-mavx2", "-Xcc", "-mfma"]), .define("GEMM_FMA")]
    : []

let package = Package(
    name: "conv-demo",
    // macOS 13 for the Foundation the package reads files with (FileHandle.read(upToCount:),
    // NSLock.withLock); Swift 6's toolchains run on later macOS releases anyway.
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "conv-demo", targets: ["conv-demo"]),
        .library(name: "SeededRandom", targets: ["SeededRandom"]),
        .library(name: "GEMM", targets: ["GEMM"]),
        .library(name: "Netpbm", targets: ["Netpbm"]),
        .library(name: "ConvCore", targets: ["ConvCore"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "Compression", targets: ["Compression"]),
        .library(name: "Safetensors", targets: ["Safetensors"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "PNGCodec", targets: ["PNGCodec"]),
    ],
    targets: [
        // MARK: - Public API

        /// A seeded generator that gives the same numbers on every platform.
        .target(name: "SeededRandom", exclude: ["README.md"]),

        /// Single-precision matrix multiply, BLIS-style: the driver, packing, block sizes
        /// from the running CPU's caches, and the kernel for its instruction set.
        .target(name: "GEMM", dependencies: ["_GEMMKernelsPortable"] + gemmKernelTargets.map { .target(name: $0.name) }, exclude: ["README.md"]),

        /// Netpbm images (PBM, PGM, PPM, PFM) in and out.
        .target(name: "Netpbm", exclude: ["README.md"]),

        /// DEFLATE, gzip and zlib decoding, DEFLATE and zlib encoding, CRC-32 and Adler-32:
        /// no system library.
        .target(name: "Compression", exclude: ["README.md"]),

        /// PNG images read into Netpbm images: every colour type and bit depth, Adam7, each chunk checked.
        .target(name: "PNGCodec", dependencies: ["Compression", "Netpbm"], exclude: ["README.md"]),

        /// The safetensors checkpoint format, read and written.
        .target(name: "Safetensors", exclude: ["README.md"]),

        /// Tensors and each operation's forward and backward pass, initializers, the model
        /// language and its counts.
        .target(name: "ConvCore", dependencies: ["GEMM", "SeededRandom"], exclude: ["README.md"], swiftSettings: simdSettings),

        /// Networks of any layers, losses, SGD, gradient clipping, mini-batches.
        .target(name: "Training", dependencies: ["ConvCore", "SeededRandom", "Safetensors"], exclude: ["README.md"]),

        /// Labelled image datasets as distributed: MNIST's IDX files (gzipped or not), image folders.
        .target(name: "Datasets", dependencies: ["ConvCore", "Netpbm", "PNGCodec", "Compression"], exclude: ["README.md"]),

        // MARK: - Implementation details

        /// The GEMM's macro- and micro-kernel, compiled once per instruction set: the
        /// portable build here, the others from the same files (symbolic links) with their flags.
        .target(name: "_GEMMKernelsPortable"),

        /// What the commands print and write: JSON, tables, numbers, SVG, PNG, pictures,
        /// HTML, atomic files.
        .target(name: "Reporting", dependencies: ["Compression"], exclude: ["README.md"]),

        /// The experiments and benchmarks: each a configuration in, a result out.
        .target(name: "Experiments", dependencies: ["ConvCore", "Training", "GEMM", "Netpbm", "Reporting", "SeededRandom", "Datasets", "Safetensors", "PNGCodec"], exclude: ["README.md"]),

        /// Command lines to commands: help text, options, typed values, usage errors.
        .target(name: "ArgumentParsing", exclude: ["README.md"]),

        /// The command-line tool: a thin main and one short file per command.
        .executableTarget(name: "conv-demo", dependencies: ["ArgumentParsing", "Experiments", "Reporting", "ConvCore", "Datasets", "GEMM"]),

        // MARK: - Tests

        /// Seeded tensors, tolerances and finite-difference checks the test targets share.
        .target(name: "_TestSupport", dependencies: ["ConvCore", "SeededRandom"], path: "Tests/_TestSupport"),
        .testTarget(name: "SeededRandomTests", dependencies: ["SeededRandom"]),
        .testTarget(name: "GEMMTests", dependencies: ["GEMM", "SeededRandom"], exclude: ["Fixtures"]),
        /// The micro-kernel's source on 8- and 16-lane vectors, fused and not, whatever this CPU runs.
        .testTarget(name: "GEMMKernelTests", dependencies: ["SeededRandom"], swiftSettings: simdSettings),
        .testTarget(name: "NetpbmTests", dependencies: ["Netpbm"], exclude: ["Fixtures"]),
        .testTarget(name: "ConvCoreTests", dependencies: ["ConvCore", "GEMM", "SeededRandom", "_TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "ConvCore", "SeededRandom", "_TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "Compression", "Netpbm", "SeededRandom"], exclude: ["Fixtures"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "ConvCore", "Netpbm"], exclude: ["Fixtures"]),
        .testTarget(name: "SafetensorsTests", dependencies: ["Safetensors"], exclude: ["Fixtures"]),
        .testTarget(name: "CompressionTests", dependencies: ["Compression"], exclude: ["Fixtures"]),
        .testTarget(name: "PNGCodecTests", dependencies: ["PNGCodec", "Netpbm", "Compression"], exclude: ["Fixtures"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "ConvCore", "Training", "Netpbm", "Reporting", "SeededRandom", "Datasets", "Safetensors", "PNGCodec", "_TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ArgumentParsingTests", dependencies: ["ArgumentParsing"]),
        .testTarget(name: "ConvDemoTests", dependencies: ["conv-demo"]),
        // MARK: - Implementation details, where the CPU can have them

        // The GEMM kernels for wider instruction sets (see `gemmKernelTargets`).
    ] + gemmKernelTargets.map { .target(name: $0.name, swiftSettings: [.unsafeFlags($0.flags.flatMap { ["-Xcc", $0] })]) }
)
