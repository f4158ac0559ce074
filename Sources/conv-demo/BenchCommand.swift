import Foundation
import GEMM

/// `conv-demo bench`: every benchmark suite with its defaults, or one suite by name.
struct BenchCommand: Command {
    static let spec = CommandSpec(
        path: ["bench"],
        abstract: "Time the kernels: every suite, or one (gemm, conv).",
        discussion: "Time a release build: swift run -c release conv-demo bench",
        options: [
            OptionSpec(name: "--threads", valueName: "n", help: "Threads for the parallel runs, 1…256 (default: all cores)."),
            OptionSpec(name: "--json", help: "Print one JSON document holding every suite's rows."),
        ],
        subcommands: [BenchGEMMCommand.spec, BenchConvCommand.spec],
        make: { try BenchCommand(parsing: $0) })

    var gemm: BenchGEMMCommand
    var conv: BenchConvCommand
    var json: Bool

    init(parsing arguments: ParsedArguments) throws {
        gemm = try BenchGEMMCommand(parsing: arguments)
        conv = try BenchConvCommand(parsing: arguments)
        json = arguments.flag("--json")
    }

    func run() throws {
        printBenchReports([gemm.measure(), try conv.measure()], json: json)
    }
}

/// A benchmark suite's result: its members of the JSON document and its text section.
struct BenchReport {
    var json: [(String, JSON)]
    var text: String
}

/// Prints the suites' results: their sections one after another, or one JSON document
/// holding every suite's members. A debug build gets a warning on stderr, since its
/// timings say nothing about the code's speed.
func printBenchReports(_ reports: [BenchReport], json: Bool) {
    #if DEBUG
    FileHandle.standardError.write(Data("warning: this is a debug build; time a release build: swift run -c release conv-demo bench\n".utf8))
    #endif
    if json {
        print(JSON.object(reports.flatMap(\.json)).serialized())
    } else {
        print(reports.map(\.text).joined(separator: "\n"), terminator: "")
    }
}
