/// `--svg FILE` and `--no-svg`, which every experiment takes: where its plot goes, by
/// default a file named after the command in the working directory.
extension OptionSpec {
    static func plot(default file: String) -> [OptionSpec] {
        [OptionSpec(name: "--svg", valueName: "FILE", help: "Where to write the plot (default: \(file))."),
         OptionSpec(name: "--no-svg", help: "Write no plot.")]
    }
}

extension ParsedArguments {
    /// The plot's path, or nil with `--no-svg`.
    func plotPath(default file: String) -> String? {
        flag("--no-svg") ? nil : string("--svg") ?? file
    }
}

extension SVGChart {
    /// Writes the chart atomically: a failed write leaves nothing at `path`.
    func write(to path: String) throws {
        try writeAtomically(Array(svg.utf8), to: path)
    }
}
