import ArgumentParsing
import ConvCore
import Experiments
import Netpbm
import Reporting

/// `conv-demo featuremap`: what a few shared weights find in a picture. Applies kernels
/// (the standard bank, named ones, ones from a file, or random filters) to a Netpbm
/// image with the project's Conv2D, and writes the maps as files, a contact sheet and
/// an HTML page.
struct FeatureMapCommand: Command {
    static let spec = CommandSpec(
        program: program, path: ["featuremap"],
        abstract: "Apply kernels to an image and write the feature maps: PFM, PGM, PNG, a contact sheet, an HTML page.",
        discussion: """
            IMAGE is a PNG or a Netpbm file (told by its first bytes; a PNG's alpha is dropped). With
            no IMAGE, a photograph from Samples/ (camera.pgm). With no --kernel and no --random,
            the standard bank: \(KernelBank.names.joined(separator: ", ")).
            Values are sample / maxval in [0, 1] (PBM: black 0, white 1; PFM: as stored). Named 2-D
            kernels see a colour image's BT.709 luma; random filters see its 3 channels. Maps are
            computed by Conv2D (im2col + GEMM), cross-correlation as in PyTorch; with the defaults
            (stride 1, padding 0) a 3×3 kernel on W×H gives (W−2)×(H−2). Sizes are width × height.
            A map is signed when its kernel has a negative weight (and the activation can be negative).
            Writes into DIR, for each map: NAME.pfm (exact floats), NAME.png (signed maps blue below 0,
            white at 0, red above, clipped at --clip; others gray, stretched min–max) and NAME.pgm
            (signed maps with 0 at mid-gray); the contact sheet, sheet.ppm and sheet.png; and
            index.html, where pointing at a pixel shows the sum that made it. DIR appears whole or not
            at all: a failed or interrupted run leaves nothing behind, and a second run replaces the
            first run's DIR as a whole. A DIR holding files that featuremap did not write is refused.
            """,
        arguments: [ArgumentSpec(name: "image", help: "A PNG, PBM, PGM, PPM or PFM file (default: Samples/camera.pgm).")],
        options: [
            OptionSpec(name: "--kernel", valueName: "NAME|FILE", help: "A kernel of the bank, or a file of kernels (see docs/feature-maps.md);\nrepeat for more.", repeatable: true),
            OptionSpec(name: "--random", valueName: "N", help: "N filters drawn at random, 1…256."),
            OptionSpec(name: "--random-size", valueName: "K|KWxKH", help: "Size of the random filters (default: 3)."),
            OptionSpec(name: "--init", valueName: "SCHEME", help: "How the random filters are drawn (default: default):\n\(InitScheme.names);\n\(InitScheme.parametersHelp.replacingOccurrences(of: " unless --gain says otherwise", with: ""))."),
            .fanMode,
            OptionSpec(name: "--seed", valueName: "S", help: "Seed of the random filters (default: 1)."),
            OptionSpec(name: "--stride", valueName: "S|SWxSH", help: "Step between windows (default: 1)."),
            OptionSpec(name: "--padding", valueName: "P|PWxPH|same|valid", help: "Zeros around the image (default: 0)."),
            OptionSpec(name: "--dilation", valueName: "D|DWxDH", help: "Spacing between kernel taps (default: 1)."),
            OptionSpec(name: "--weights", valueName: "CHECKPOINT", help: "Apply the kernels a network learned (a safetensors file of train --save)\ninstead of the bank's."),
            OptionSpec(name: "--layer", valueName: "N", help: "With --weights: which convolution's kernels, from 1 (default: 1)."),
            OptionSpec(name: "--clip", valueName: "PERCENT", help: "Signed maps are coloured from −L to +L, L this percentile of |v|\n(default: 99.5; 100 for the largest |v|)."),
            OptionSpec(name: "--activation", valueName: "NAME", help: "Applied to every map: \(Activation.allCases.map(\.rawValue).joined(separator: ", ")) (default: none)."),
            OptionSpec(name: "--image", valueName: "N", help: "Which image of a multi-image file, counting from 0 as pamfile does (default: 0)."),
            OptionSpec(name: "--pixel-limit", valueName: "N", help: "Refuse images of more pixels than this (default: 268435456, 2^28)."),
            OptionSpec(name: "--out", valueName: "DIR", help: "Where to write the files (default: featuremaps)."),
            .memoryLimit,
            .threads("Threads for the convolution, 1…256 (default: all cores)."),
            OptionSpec(name: "--json", help: "Print one JSON document: {\"image\",\"format\",\"omitted\",\"input\":{…},\"maps\":[{\"name\",\n\"width\",\"height\",\"min\",\"max\",\"mean\",\"signed\",\"pfm\",\"pgm\",\"png\"}],\"sheet\":[…],\"html\"}."),
        ],
        make: { try FeatureMapCommand(parsing: $0) })

    var experiment = FeatureMapExperiment()
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        experiment.image = arguments.positionals.first
        experiment.kernels = arguments.values["--kernel"] ?? []
        if let clip = try arguments.positiveFloat("--clip") {
            guard clip <= 100 else { throw arguments.error("--clip: \(clip) is not a percentile (0 < P ≤ 100)") }
            experiment.clipPercentile = Double(clip)
        }
        experiment.activation = Activation(rawValue: try arguments.choice("--activation", from: Activation.allCases.map(\.rawValue)) ?? "none")!
        if let count = try arguments.integer("--random", in: 1...256) {
            let scheme = InitScheme(rawValue: try arguments.choice("--init", from: InitScheme.allCases.map(\.rawValue)) ?? "default")!
            experiment.random = FeatureMaps.RandomFilters(
                count: count, size: try arguments.size("--random-size") ?? Size2D(3), scheme: scheme,
                initializer: scheme.initializer(mode: try arguments.fanMode(for: scheme)),
                seed: UInt64(try arguments.integer("--seed", in: 0...Int.max) ?? 1))
        } else if let option = ["--random-size", "--init", "--seed", "--mode"].first(where: { arguments.values[$0] != nil }) {
            throw arguments.error("\(option) is for random filters: give --random N too")
        }
        if let weights = arguments.string("--weights") {
            if let option = ["--kernel", "--random"].first(where: { arguments.values[$0] != nil }) {
                throw arguments.error("--weights and \(option): the kernels come from one of them")
            }
            experiment.weights = weights
            experiment.layer = try arguments.integer("--layer", in: 1...10_000) ?? 1
        } else if arguments.values["--layer"] != nil {
            throw arguments.error("--layer picks a convolution of --weights: give --weights CHECKPOINT too")
        }
        experiment.stride = try arguments.size("--stride") ?? Size2D(1)
        experiment.padding = try arguments.padding("--padding") ?? .valid
        experiment.dilation = try arguments.size("--dilation") ?? Size2D(1)
        experiment.imageIndex = try arguments.integer("--image", in: 0...Int.max) ?? 0
        experiment.pixelLimit = try arguments.integer("--pixel-limit", in: 1...Int.max) ?? NetpbmImage.defaultPixelLimit
        experiment.output = arguments.string("--out") ?? "featuremaps"
        guard !experiment.output.isEmpty else { throw arguments.error("--out: the directory's path is empty") }
        experiment.memoryLimit = try arguments.memoryLimit()
        experiment.threads = try arguments.threads() ?? experiment.threads
        json = arguments.flag("--json")
        var seen = Set<String>()
        if let duplicate = experiment.kernels.first(where: { !seen.insert($0).inserted }) {
            throw arguments.error("--kernel \(duplicate) is given twice")
        }
    }

    func run() throws {
        let progress = Progress()
        defer { progress.clear() }
        printReport(try experiment.run { progress.update($0) }, asJSON: json)
    }
}
