import ArgumentParsing
import ConvCore
import Reporting

// The options several commands share, and the values they take.

extension OptionSpec {
    /// `--threads n`.
    static func threads(_ help: String = "Threads, 1…256 (default: all cores).") -> OptionSpec {
        OptionSpec(name: "--threads", valueName: "n", help: help)
    }

    /// `--svg FILE` and `--no-svg`, which every experiment takes: where its plot goes, by
    /// default a file named after the command in the working directory.
    static func plot(default file: String) -> [OptionSpec] {
        [OptionSpec(name: "--svg", valueName: "FILE", help: "Where to write the plot (default: \(file))."),
         OptionSpec(name: "--no-svg", help: "Write no plot.")]
    }
}

extension ParsedArguments {
    /// `--threads`, 1…256, if given (the experiments default to every core).
    func threads() throws -> Int? {
        try integer("--threads", in: 1...256)
    }

    /// The plot's path, or nil with `--no-svg`.
    func plotPath(default file: String) -> String? {
        flag("--no-svg") ? nil : string("--svg") ?? file
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
        return (try parseSize(parts[0] + "x" + parts[1], option: name), channels)
    }

    /// `--padding P|PWxPH|same|valid`, if given.
    func padding(_ name: String) throws -> Padding? {
        switch string(name) {
        case nil: return nil
        case "same": return .same
        case "valid": return .valid
        case let text?: return .explicit(try parseSize(text, option: name))
        }
    }

    private func parseSize(_ text: String, option: String) throws -> Size2D {
        let parts = splitSize(text)
        let numbers = parts.compactMap { Int($0) }
        guard numbers.count == parts.count, (1...2).contains(numbers.count) else {
            throw error("\(option): '\(text)' is not N or WxH (width × height, e.g. 1920x1080)")
        }
        return numbers.count == 1 ? Size2D(numbers[0]) : Size2D(height: numbers[1], width: numbers[0])
    }

    private func splitSize(_ text: String) -> [String] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { "xX×".contains($0) }).map(String.init)
    }
}

/// Writes an experiment's plot, if asked for, atomically.
func writePlot(_ chart: SVGChart, to path: String?) throws {
    if let path { try writeAtomically(Array(chart.svg.utf8), to: path) }
}
