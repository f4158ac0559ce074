import ArgumentParsing
import Experiments
import Foundation
import ConvCore
import Reporting

// The options several commands share, and the values they take.

extension OptionSpec {
    /// `--threads n`.
    static func threads(_ help: String = "Threads, 1…256 (default: all cores).") -> OptionSpec {
        OptionSpec(name: "--threads", valueName: "n", help: help)
    }

    /// `--svg FILE` and `--no-svg`, which every experiment takes: a plot is written only
    /// when asked for.
    static let plot: [OptionSpec] = [
        OptionSpec(name: "--svg", valueName: "FILE", help: "Also write the plot, as SVG, to FILE; '-' writes it on standard output\n(and the results on standard error)."),
        OptionSpec(name: "--no-svg", help: "Write no plot (the default)."),
    ]

    /// `--mode`, the fan Kaiming initialization keeps the variance of.
    static let fanMode = OptionSpec(name: "--mode", valueName: "fan_in|fan_out", help: "For kaiming-*: keep the variance of the forward pass (fan_in, the default)\nor of the backward pass (fan_out, as torchvision's ResNets).")

    /// `--memory-limit`, which every command that allocates by its options takes.
    static let memoryLimit = OptionSpec(name: "--memory-limit", valueName: "BYTES", help: "Refuse runs estimated to need more memory: a number of bytes, or with K, M,\nG or T (binary: 4G is 4 GiB) (default: 4G).")
}

extension OptionSpec {
    /// The optimiser's options of `train`, which the experiments built on it share.
    static let training: [OptionSpec] = [
        OptionSpec(name: "--epochs", valueName: "N", help: "Passes over the training set, 1…10000 (default: 10)."),
        OptionSpec(name: "--batch", valueName: "B", help: "Images per step, 1…65536 (default: 32)."),
        OptionSpec(name: "--lr", valueName: "RATE", help: "Learning rate (default: 0.05)."),
        OptionSpec(name: "--momentum", valueName: "M", help: "SGD momentum, 0…0.999 (default: 0.9)."),
        OptionSpec(name: "--weight-decay", valueName: "WD", help: "PyTorch's weight_decay: WD·w added to each weight's gradient, biases\nexcluded (the L2 penalty (WD/2)·‖w‖²) (default: 0)."),
    ]
}

extension ParsedArguments {
    /// The settings of `train` that the command line gives, over `training`'s defaults:
    /// `OptionSpec.training`, and `--seed`, `--limit`, `--threads`, `--memory-limit` (a
    /// command that does not declare one of them cannot be given it).
    func trainingSettings(_ training: inout TrainExperiment) throws {
        training.epochs = try integer("--epochs", in: 1...10_000) ?? training.epochs
        training.batch = try integer("--batch", in: 1...65536) ?? training.batch
        training.learningRate = try positiveFloat("--lr") ?? training.learningRate
        training.momentum = try float("--momentum") ?? training.momentum
        guard (0...0.999).contains(training.momentum) else { throw error("--momentum: \(training.momentum) is out of range 0…0.999") }
        training.weightDecay = try float("--weight-decay") ?? training.weightDecay
        guard training.weightDecay >= 0 else { throw error("--weight-decay: \(training.weightDecay) must not be negative") }
        training.seed = try integer("--seed", in: 0...Int.max).map(UInt64.init) ?? training.seed
        training.limit = try integer("--limit", in: 1...Int.max) ?? training.limit
        training.threads = try threads() ?? training.threads
        training.memoryLimit = try memoryLimit()
    }

    /// `--threads`, 1…256, if given (the experiments default to every core).
    func threads() throws -> Int? {
        try integer("--threads", in: 1...256)
    }

    /// The plot's path if one is asked for (`-`: standard output), checked before any work.
    /// - Throws: a usage error for `--svg` with `--no-svg`, or `--svg -` with `--json` (both
    ///   on standard output); `UserError` (cannot create) for a path that cannot be written.
    func plotPath() throws -> String? {
        guard let path = string("--svg") else { return nil }
        if flag("--no-svg") { throw error("--svg and --no-svg: give one of them") }
        if path == "-" {
            if flag("--json") { throw error("--svg - and --json would both print on standard output: give --svg a file") }
            return path
        }
        guard !path.isEmpty else { throw error("--svg: the path is empty ('-' for standard output)") }
        try checkWritable(path)
        return path
    }

    /// `--mode fan_in|fan_out`, for a Kaiming scheme only.
    func fanMode(for scheme: InitScheme) throws -> Initializer.FanMode {
        guard let mode = try choice("--mode", from: ["fan_in", "fan_out"]) else { return .fanIn }
        guard scheme == .kaimingNormal || scheme == .kaimingUniform else { throw error("--mode is for kaiming-normal and kaiming-uniform") }
        return mode == "fan_out" ? .fanOut : .fanIn
    }

    /// `--memory-limit`, in bytes: `N`, or `N` with K, M, G or T, binary (`4G` = 4 GiB),
    /// optionally followed by `iB` or `B`. Default: `defaultMemoryLimit`.
    func memoryLimit() throws -> Int {
        guard let text = string("--memory-limit") else { return defaultMemoryLimit }
        var digits = Substring(text), shift = 0
        for suffix in ["iB", "B"] where digits.hasSuffix(suffix) && digits.count > suffix.count {
            digits = digits.dropLast(suffix.count)
            break
        }
        if let last = digits.last, let index = "KMGT".firstIndex(of: Character(last.uppercased())) {
            shift = 10 * ("KMGT".distance(from: "KMGT".startIndex, to: index) + 1)
            digits = digits.dropLast()
        }
        guard let value = Int(digits), value > 0, value <= Int.max >> shift else {
            throw error("--memory-limit: '\(text)' is not a size in bytes (e.g. 4G, 512M, 1073741824)")
        }
        return value << shift
    }

    /// A `WxH` or `N` option, if given. Sizes are typed as users type screen resolutions:
    /// `1920x1080` is 1920 wide and 1080 tall, `7x1` is 7 wide and 1 tall (PyTorch's
    /// `(1, 7)`), a single number `N` is N × N; `x`, `X` and `×` all separate.
    func size(_ name: String) throws -> Size2D? {
        try string(name).map { try parseSize($0, option: name) }
    }

    /// A `WxHxC` option, `WxH` meaning one channel, if given.
    func sizeWithChannels(_ name: String) throws -> (size: Size2D, channels: Int)? {
        guard let text = string(name) else { return nil }
        let parts = splitSize(text)
        guard parts.count == 3 else { return (try parseSize(text, option: name), 1) }
        guard let channels = Int(parts[2]) else {
            throw error("\(name): '\(text)' is not WxH or WxHxC (width × height × channels, e.g. 1920x1080x3)")
        }
        guard channels >= 1 else { throw error("\(name): \(channels) channels; an image has at least 1") }
        return (try parseSize(parts[0] + "x" + parts[1], option: name), channels)
    }

    /// `--padding P|PWxPH|same|valid`, if given.
    func padding(_ name: String) throws -> Padding? {
        switch string(name) {
        case nil: return nil
        case "same": return .same
        case "valid": return .valid
        case let text?: return .explicit(try parseSize(text, option: name, minimum: 0))
        }
    }

    /// `N` or `WxH`, each at least `minimum` (1 for sizes, 0 for padding).
    private func parseSize(_ text: String, option: String, minimum: Int = 1) throws -> Size2D {
        let parts = splitSize(text)
        let numbers = parts.compactMap { Int($0) }
        guard numbers.count == parts.count, (1...2).contains(numbers.count) else {
            throw error("\(option): '\(abbreviated(text))' is not N or WxH (width × height, e.g. 1920x1080)")
        }
        if let small = numbers.first(where: { $0 < minimum }) {
            throw error("\(option): \(small) in '\(text)'; each size must be at least \(minimum)")
        }
        return numbers.count == 1 ? Size2D(numbers[0]) : Size2D(height: numbers[1], width: numbers[0])
    }

    private func splitSize(_ text: String) -> [String] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { "xX×".contains($0) }).map(String.init)
    }
}

/// Prints an experiment's result, then writes its plot if one was asked for: on standard
/// output for `-` (the result then going to standard error), else atomically to the file.
/// The result is printed first, so that it is not lost when the plot cannot be written.
func finish(_ result: some Report, chart: SVGChart, plot: String?, json: Bool) throws {
    try finish(result, svg: { chart.svg }, plot: plot, json: json)
}

/// The same for a drawing that is not a chart: `svg` is made only when a plot is asked for.
func finish(_ result: some Report, svg: () -> String, plot: String?, json: Bool) throws {
    guard let plot else { return printReport(result, asJSON: json) }
    if plot == "-" {
        FileHandle.standardError.write(Data(result.text.utf8))
        print(svg(), terminator: "")
        return
    }
    printReport(result, asJSON: json)
    try writeAtomically(Array(svg().utf8), to: plot)
}

/// "Samples: alexnet, lenet5, …" for a help text, wrapped into lines of at most `width`
/// characters.
func sampleList(width: Int = 72) -> String {
    var lines = ["Samples:"]
    for (index, name) in ModelSource.sampleNames.enumerated() {
        let word = name + (index == ModelSource.sampleNames.count - 1 ? "." : ",")
        if lines[lines.count - 1].count + 1 + word.count > width { lines.append(word) } else { lines[lines.count - 1] += " " + word }
    }
    return lines.joined(separator: "\n")
}
