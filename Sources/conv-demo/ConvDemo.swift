import Foundation

/// The command tree: every subcommand, reachable from `conv-demo`.
let commandTree = CommandSpec(
    path: [],
    abstract: "Why convolutional networks share weights, shown with real code and real numbers.",
    discussion: """
        Sizes are typed width × height, like a screen resolution: 1920x1080 is 1920 wide
        and 1080 tall; --kernel 7x1 is 7 wide and 1 tall.
        """,
    subcommands: [CountParamsCommand.spec, OutputSizeCommand.spec, FeatureMapCommand.spec, InitStatsCommand.spec, SymmetryCommand.spec, WeightDecayCommand.spec, StabilityCommand.spec, BenchCommand.spec])

/// Runs the command line and returns the exit status: 0, or a sysexits(3) code after
/// printing `error: …` on stderr.
func runConvDemo(_ arguments: [String]) -> Int32 {
    do {
        switch try parseCommandLine(arguments, root: commandTree) {
        case .help(let text):
            print(text, terminator: "")
        case .run(let command):
            try command.run()
        }
        return 0
    } catch let error as CLIError {
        var text = "error: \(error.message)\n"
        if let path = error.command, let spec = commandTree.spec(at: path) {
            text += "Usage: \(spec.usage)\n  See '\(spec.name) --help' for more information.\n"
        }
        FileHandle.standardError.write(Data(text.utf8))
        return error.status.rawValue
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        return 70  // EX_SOFTWARE: a failure that is this program's fault, not the user's.
    }
}

extension CommandSpec {
    /// The command the words `path` select below this one.
    func spec(at path: [String]) -> CommandSpec? {
        path.reduce(self) { spec, word in spec?.subcommand(named: word) }
    }
}
