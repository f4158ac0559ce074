import Testing

@testable import conv_demo

/// The parser is a pure function of the argument list: these tests need no process.
struct CommandLineParserTests {
    private func parse(_ words: String) throws -> Invocation {
        try parseCommandLine(words.split(separator: " ").map(String.init), root: commandTree)
    }

    private func helpText(_ words: String) throws -> String? {
        guard case .help(let text) = try parse(words) else { return nil }
        return text
    }

    private func usageError(_ words: String) -> CLIError? {
        do {
            _ = try parse(words)
            return nil
        } catch {
            return error as? CLIError
        }
    }

    @Test("no arguments, -h, --help and help all print the overview")
    func rootHelp() throws {
        let overview = commandTree.helpText
        for words in ["", "-h", "--help", "help"] {
            #expect(try helpText(words) == overview, "'\(words)'")
        }
        #expect(overview.contains("SUBCOMMANDS:"))
        #expect(overview.contains("count-params"))
    }

    @Test("help <cmd>, <cmd> --help and <cmd> -h print the same text")
    func commandHelp() throws {
        let gemm = try #require(commandTree.spec(at: ["bench", "gemm"])).helpText
        #expect(try helpText("help bench gemm") == gemm)
        #expect(try helpText("bench gemm --help") == gemm)
        #expect(try helpText("bench gemm --sizes 8 -h") == gemm)
        for section in ["OVERVIEW:", "USAGE: conv-demo bench gemm", "OPTIONS:", "--sizes <n,n,...>", "--threads <n>", "--json"] {
            #expect(gemm.contains(section), "\(section)")
        }
    }

    @Test("bench gemm options become typed values")
    func benchGEMMOptions() throws {
        guard case .run(let command) = try parse("bench gemm --sizes 16,32 --threads=3 --json"),
              let bench = command as? BenchGEMMCommand
        else { Issue.record("not a bench gemm command"); return }
        #expect(bench.sizes == [16, 32])
        #expect(bench.threads == 3)
        #expect(bench.json)

        guard case .run(let defaults) = try parse("bench gemm"), let plain = defaults as? BenchGEMMCommand else {
            Issue.record("not a bench gemm command"); return
        }
        #expect(plain.sizes == [256, 512, 1024, 2048])
        #expect(!plain.json)
    }

    @Test("bench alone runs every suite")
    func benchAll() throws {
        guard case .run(let command) = try parse("bench --threads 1"), let bench = command as? BenchCommand else {
            Issue.record("not a bench command"); return
        }
        #expect(bench.gemm.threads == 1)
    }

    @Test("every mistake is a usage error that names the culprit", arguments: [
        ("frobnicate", "unknown command 'frobnicate'"),
        ("help frobnicate", "unknown command 'frobnicate'"),
        ("--frobnicate", "unknown option '--frobnicate'"),
        ("bench gemm --frobnicate", "unknown option '--frobnicate'"),
        ("bench gemm --sizes", "missing value for option '--sizes'"),
        ("bench gemm --sizes 16,x", "--sizes: 'x' is not an integer"),
        ("bench gemm --sizes 16,,32", "--sizes: '' is not an integer"),
        ("bench gemm --sizes 0", "--sizes: 0 is out of range 1…4096"),
        ("bench gemm --threads 0", "--threads: 0 is out of range 1…256"),
        ("bench gemm --threads 99999999999999999999", "--threads: '99999999999999999999' is not an integer"),
        ("bench gemm --json=yes", "option '--json' takes no value"),
        ("bench gemm extra", "unexpected argument 'extra'"),
    ])
    func usageErrors(words: String, message: String) {
        let error = usageError(words)
        #expect(error?.status == .usage)
        #expect(error?.message == message)
    }
}
