import ConvCore
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

    @Test("sizes are width × height: --kernel 7x1 is 7 wide and 1 tall")
    func widthByHeight() throws {
        guard case .run(let command) = try parse("output-size --input 1920x1080 --kernel 7x1 --stride 2x1 --padding 3x0 --dilation=1X2"),
              let outputSize = command as? OutputSizeCommand
        else { Issue.record("not an output-size command"); return }
        let geometry = outputSize.geometry
        #expect(geometry.input == Size2D(height: 1080, width: 1920))
        #expect(geometry.kernel == Size2D(height: 1, width: 7))
        #expect((geometry.width.stride, geometry.height.stride) == (2, 1))
        #expect((geometry.width.padBefore, geometry.height.padBefore) == (3, 0))
        #expect((geometry.width.dilation, geometry.height.dilation) == (1, 2))
        #expect(geometry.output == Size2D(height: 1080, width: 960))  // ⌊(1920 + 6 − 6 − 1)/2⌋ + 1
    }

    @Test("a single number is N×N, and 'same' and 'valid' are paddings")
    func squareSizesAndNamedPadding() throws {
        guard case .run(let same) = try parse("output-size --input 5 --kernel 4 --padding same"), let a = same as? OutputSizeCommand,
              case .run(let valid) = try parse("output-size --input 5 --kernel 4 --padding valid"), let b = valid as? OutputSizeCommand
        else { Issue.record("not output-size commands"); return }
        #expect(a.geometry.output == Size2D(5))
        #expect((a.geometry.width.padBefore, a.geometry.width.padAfter) == (1, 2))
        #expect(b.geometry.output == Size2D(2))
    }

    @Test("count-params takes WxH or WxHxC, sizes width first")
    func countParamsOptions() throws {
        guard case .run(let command) = try parse("count-params --input 640x480x3 --kernel 5x3 --filters 8 --groups 1 --fc 10"),
              let count = command as? CountParamsCommand, case .layer(let comparison) = count.mode
        else { Issue.record("not a single-layer count-params"); return }
        #expect(comparison.input == Size2D(height: 480, width: 640))
        #expect(comparison.channels == 3)
        #expect(comparison.geometry.kernel == Size2D(height: 3, width: 5))
        #expect(comparison.convolution.weights == 8 * 3 * 15)
        #expect(comparison.fullyConnected.weights == 640 * 480 * 3 * 10)
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
        ("output-size --kernel 3", "missing option '--input'"),
        ("output-size --input 5", "missing option '--kernel'"),
        ("output-size --input 12x --kernel 3", "--input: '12x' is not N or WxH (width × height, e.g. 1920x1080)"),
        ("output-size --input 5 --kernel 3x3x3", "--kernel: '3x3x3' is not N or WxH (width × height, e.g. 1920x1080)"),
        ("output-size --input 5 --kernel 7", "kernel height 7 is larger than the input height 5"),
        ("output-size --input 8x5 --kernel 6x3 --dilation 2", "kernel width 6 at dilation 2 spans 11 pixels and is larger than the input width 8"),
        ("output-size --input 5 --kernel 3 --stride 0", "stride 0 (height) must be at least 1: it is the step from one window to the next"),
        ("output-size --input 5 --kernel 3 --padding -1", "padding -1 (height) must not be negative"),
        ("output-size --input 5 --kernel 3 --padding same --stride 2", "padding 'same' needs stride 1, but the stride is 2 (height): with a larger step the output cannot match the input"),
        ("output-size --input 0x5 --kernel 1", "input width 0 must be at least 1"),
        ("output-size --input 5 --kernel 3 --padding full", "--padding: 'full' is not N or WxH (width × height, e.g. 1920x1080)"),
        ("count-params --input 10x10x0", "--input: 0 channels; an image has at least 1"),
        ("count-params --input 10x10xq", "--input: '10x10xq' is not WxH or WxHxC (width × height × channels, e.g. 1920x1080x3)"),
        ("count-params --groups 2", "--groups 2 must divide the 1 input channels and the 1 filters"),
        ("count-params --fc 0", "--fc: 0 must be at least 1"),
        ("count-params --filters -3", "--filters: -3 must be at least 1"),
        ("count-params --model vgg16 --no-bias", "--no-bias is for the single-layer comparison; with --model, the spec gives every layer"),
    ])
    func usageErrors(words: String, message: String) {
        let error = usageError(words)
        #expect(error?.status == .usage)
        #expect(error?.message == message)
    }
}
