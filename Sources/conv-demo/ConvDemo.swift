import ArgumentParsing
import ConvCore
import Foundation
import GEMM
import Reporting

/// The name every usage line starts with.
let program = "conv-demo"

/// The command tree: every subcommand, reachable from `conv-demo`.
let commandTree = CommandSpec(
    program: program, path: [],
    abstract: "Why convolutional networks share weights, shown with real code and real numbers.",
    discussion: """
        Sizes are typed width × height, like a screen resolution: 1920x1080 is 1920 wide
        and 1080 tall; --kernel 7x1 is 7 wide and 1 tall.
        """,
    subcommands: [CountParamsCommand.spec, SummaryCommand.spec, OutputSizeCommand.spec, FeatureMapCommand.spec, InitStatsCommand.spec, SymmetryCommand.spec,
                  WeightDecayCommand.spec, StabilityCommand.spec, TrainCommand.spec, EvaluateCommand.spec, PredictCommand.spec, SharingCommand.spec,
                  BenchCommand.spec])

/// Runs the command line and returns the exit status: 0, or a sysexits(3) code after
/// printing `error: …` on stderr (and the command's usage, for a usage error).
func runConvDemo(_ arguments: [String]) -> Int32 {
    // The command a usage error found while checking its settings shows the usage of.
    let path = commandTree.selected(by: arguments).path
    guard CPUFeatures.running.canRun(compiledInstructionSet) else {
        // EX_UNAVAILABLE: the program's loops would stop on an illegal instruction.
        return fail("this conv-demo was built for \(compiledInstructionSet), which this CPU lacks: rebuild it with CONV_DEMO_PORTABLE=1", status: 69)
    }
    do {
        switch try parseCommandLine(arguments, root: commandTree) {
        case .help(let text):
            print(text, terminator: "")
        case .run(let command, _):
            _ = try GEMMKernel.fromEnvironment()  // A kernel forced by name must exist here before any work.
            try command.run()
        }
        return 0
    } catch let error as UsageError {
        return fail(error.message, usageOf: error.command, status: 64)
    } catch let error as GEMMKernel.Unavailable {
        return fail("\(error)", status: 64)
    } catch let error as UserError {
        switch error.kind {
        case .usage: return fail(error.message, usageOf: path, status: 64)
        case .badInput: return fail(error.message, status: 65)
        case .missingInput: return fail(error.message, status: 66)
        case .cannotCreate: return fail(error.message, status: 73)
        }
    } catch {
        return fail("\(error)", status: 70)  // EX_SOFTWARE: a failure that is this program's fault, not the user's.
    }
}

/// Reports an argument that is not UTF-8 (a usage error), by its position from 1.
func failOnEncoding(argument position: Int) -> Int32 {
    fail("argument \(position) is not UTF-8 text: conv-demo takes paths and values in UTF-8", status: 64)
}

/// Prints `error: message` on stderr, on one short line (a long word of the user's cut),
/// and the usage of the command at `path` if given; returns `status`.
private func fail(_ message: String, usageOf path: [String]? = nil, status: Int32) -> Int32 {
    var text = "error: \(abbreviatingLongWords(message))\n"
    if let path, let spec = commandTree.spec(at: path) {
        text += "Usage: \(spec.usage)\n  See '\(spec.name) --help' for more information.\n"
    }
    FileHandle.standardError.write(Data(text.utf8))
    return status
}

/// Prints a command's result on stdout: the JSON document when `asJSON` (and nothing else),
/// or else the text, which ends in its own newline.
func printReport(_ report: some Report, asJSON: Bool) {
    print(asJSON ? report.json.serialized() : report.text, terminator: asJSON ? "\n" : "")
}
