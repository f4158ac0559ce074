import ArgumentParsing
import Testing

/// A command that only remembers what it was given.
private struct Recorded: Command {
    let arguments: ParsedArguments
    func run() {}
}

/// A small tool to parse for: `tool add [--size <n>] [--name <s> ...] [--json] <file> [<more>]`,
/// and a group `tool bench` with a subcommand `tool bench gemm`.
private let tree = CommandSpec(
    program: "tool", path: [], abstract: "A tool to parse for.", discussion: "Sizes are width × height.",
    subcommands: [
        CommandSpec(program: "tool", path: ["add"], abstract: "Add things.",
                    arguments: [ArgumentSpec(name: "file", help: "The file.", optional: false), ArgumentSpec(name: "more", help: "More.")],
                    options: [OptionSpec(name: "--size", valueName: "n", help: "A size,\nover two lines."),
                              OptionSpec(name: "--name", valueName: "s", help: "Names.", repeatable: true),
                              OptionSpec(name: "--rate", valueName: "r", help: "A rate."),
                              OptionSpec(name: "--sizes", valueName: "n,n", help: "Sizes."),
                              OptionSpec(name: "--mode", valueName: "m", help: "fast or slow."),
                              OptionSpec(name: "--json", help: "JSON.")],
                    make: { Recorded(arguments: $0) }),
        CommandSpec(program: "tool", path: ["bench"], abstract: "Time things.",
                    options: [OptionSpec(name: "--threads", valueName: "n", help: "Threads.", required: true)],
                    subcommands: [CommandSpec(program: "tool", path: ["bench", "gemm"], abstract: "Time GEMM.", make: { Recorded(arguments: $0) })],
                    make: { Recorded(arguments: $0) }),
    ])

/// The parser is a pure function of the argument list: these tests need no process.
struct CommandLineParserTests {
    private func parse(_ words: String) throws -> Invocation {
        try parseCommandLine(words.split(separator: " ").map(String.init), root: tree)
    }

    private func helpText(_ words: String) throws -> String? {
        guard case .help(let text) = try parse(words) else { return nil }
        return text
    }

    private func arguments(_ words: String) throws -> (ParsedArguments, [String])? {
        guard case .run(let command, let path) = try parse(words), let recorded = command as? Recorded else { return nil }
        return (recorded.arguments, path)
    }

    private func usageError(_ words: String) -> UsageError? {
        do {
            _ = try parse(words)
            return nil
        } catch {
            return error as? UsageError
        }
    }

    @Test("no arguments, -h, --help and help all print the overview, in swift-argument-parser's sections")
    func rootHelp() throws {
        for words in ["", "-h", "--help", "help"] {
            #expect(try helpText(words) == tree.helpText, "'\(words)'")
        }
        #expect(tree.helpText == """
            OVERVIEW: A tool to parse for.

            Sizes are width × height.

            USAGE: tool <subcommand>

            OPTIONS:
              -h, --help              Show help information.

            SUBCOMMANDS:
              add                     Add things.
              bench                   Time things.

              See 'tool help <subcommand>' for detailed help.

            """)
    }

    @Test("help <cmd>, <cmd> --help and <cmd> -h print the same text, with every option and argument")
    func commandHelp() throws {
        let add = try #require(tree.spec(at: ["add"])).helpText
        #expect(try helpText("help add") == add)
        #expect(try helpText("add --help") == add)
        #expect(try helpText("add x --size 8 -h") == add)
        #expect(add.contains("USAGE: tool add [--size <n>] [--name <s> ...] [--rate <r>] [--sizes <n,n>] [--mode <m>] [--json] <file> [<more>]"))
        #expect(add.contains("ARGUMENTS:\n  <file>                  The file.\n  <more>                  More.\n"))
        #expect(add.contains("  --size <n>              A size,\n                          over two lines.\n"))
        let bench = try #require(tree.spec(at: ["bench"])).helpText
        #expect(bench.contains("USAGE: tool bench [<subcommand>] --threads <n>"))
        #expect(bench.contains("See 'tool help bench <subcommand>' for detailed help."))
    }

    @Test("options become typed values: --name=value or --name value, the last wins, repeatable ones keep all")
    func typedValues() throws {
        let (parsed, path) = try #require(try arguments("add in.txt --size=16 --size 32 --name a --name=b --rate 0.5 --sizes 1,2,3 --mode fast --json"))
        #expect(path == ["add"])
        #expect(parsed.positionals == ["in.txt"])
        #expect(try parsed.integer("--size", in: 1...100) == 32)
        #expect(parsed.values["--name"] == ["a", "b"])
        #expect(try parsed.float("--rate") == 0.5)
        #expect(try parsed.positiveFloat("--rate") == 0.5)
        #expect(try parsed.integers("--sizes", in: 1...9) == [1, 2, 3])
        #expect(try parsed.choice("--mode", from: ["fast", "slow"]) == "fast")
        #expect(parsed.flag("--json"))
        #expect(try parsed.integer("--absent", in: 1...2) == nil)
    }

    @Test("after --, words that look like options are arguments; a lone - is one too")
    func positionals() throws {
        #expect(try #require(try arguments("add -- --json")).0.positionals == ["--json"])
        #expect(try #require(try arguments("add - more")).0.positionals == ["-", "more"])
    }

    @Test("a subcommand is found below its group, which also runs by itself")
    func subcommands() throws {
        #expect(try #require(try arguments("bench gemm")).1 == ["bench", "gemm"])
        #expect(try #require(try arguments("bench --threads 2")).1 == ["bench"])
    }

    @Test("every mistake is a usage error that names the culprit and the command", arguments: [
        ("frobnicate", "unknown command 'frobnicate'", [String]()),
        ("help frobnicate", "unknown command 'frobnicate'", []),
        ("--frobnicate", "unknown option '--frobnicate'", []),
        ("add x --frobnicate", "unknown option '--frobnicate'", ["add"]),
        ("add x --size", "missing value for option '--size'", ["add"]),
        ("add x --json=yes", "option '--json' takes no value", ["add"]),
        ("add x y z", "unexpected argument 'z'", ["add"]),
        ("add", "missing argument <file>", ["add"]),
        ("bench", "missing option '--threads'", ["bench"]),
    ])
    func usageErrors(words: String, message: String, command: [String]) {
        #expect(usageError(words) == UsageError(message, command: command))
    }

    @Test("a value that does not fit is a usage error naming the option", arguments: [
        ("--size x", "--size: 'x' is not an integer"),
        ("--size 0", "--size: 0 is out of range 1…100"),
        ("--size 99999999999999999999", "--size: '99999999999999999999' is not an integer"),
        ("--sizes 1,,2", "--sizes: '' is not an integer"),
        ("--rate nan", "--rate: 'nan' is not a number"),
        ("--rate -1", "--rate: '-1' must be above 0"),
        ("--mode medium", "--mode: 'medium' is not one of fast, slow"),
    ])
    func badValues(words: String, message: String) throws {
        let (parsed, _) = try #require(try arguments("add x " + words))
        #expect(throws: UsageError(message, command: ["add"])) {
            _ = try parsed.integer("--size", in: 1...100)
            _ = try parsed.integers("--sizes", in: 1...9)
            _ = try parsed.positiveFloat("--rate")
            _ = try parsed.choice("--mode", from: ["fast", "slow"])
        }
    }
}
