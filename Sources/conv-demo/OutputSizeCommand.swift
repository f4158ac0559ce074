import ArgumentParsing
import ConvCore
import Experiments

/// `conv-demo output-size`: the size of a convolution's output, the formula with the
/// numbers filled in, and the pixels a stride leaves unused; `--svg` draws them.
struct OutputSizeCommand: Command {
    static let spec = CommandSpec(
        program: program, path: ["output-size"],
        abstract: "Compute a convolution's output size, show the formula and the pixels a stride leaves unused.",
        discussion: """
            Per axis: out = ⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1, the (n − k)/s + 1 of the textbooks
            when p = 0 and d = 1. Sizes are width × height, like a screen resolution: 1920x1080
            is 1920 wide and 1080 tall, --kernel 7x1 is 7 wide and 1 tall (PyTorch's
            kernel_size=(1, 7)); a single number N means N×N.

            --svg FILE draws it: the input inside its padding, the kernel's window at the first
            position, one stride right and one stride down (with its dilation gaps), the output,
            and the rows and columns no window covers.
            """,
        options: [
            OptionSpec(name: "--input", valueName: "WxH", help: "Input width × height, or N for N×N.", required: true),
            OptionSpec(name: "--kernel", valueName: "K|KWxKH", help: "Kernel size.", required: true),
            OptionSpec(name: "--stride", valueName: "S|SWxSH", help: "Step between windows (default: 1)."),
            OptionSpec(name: "--padding", valueName: "P|PWxPH|same|valid", help: """
                Zeros added on each side (default: 0). 'same' keeps the input size (stride 1 only):
                d·(k − 1) in all, the odd pixel at the bottom/right; 'valid' is 0.
                """),
            OptionSpec(name: "--dilation", valueName: "D|DWxDH", help: "Spacing between kernel taps (default: 1)."),
            OptionSpec(name: "--svg", valueName: "FILE", help: "Also draw the layer's arithmetic, as SVG, to FILE; '-' writes it on standard\noutput (and the results on standard error)."),
            OptionSpec(name: "--json", help: "Print one JSON document: {\"input\":{…},\"output\":{\"width\",\"height\"},\n\"unused\":{\"width\",\"height\"},…}."),
        ],
        make: { try OutputSizeCommand(parsing: $0) })

    var geometry: OutputSize
    var json: Bool
    var drawing: String?

    init(parsing arguments: ParsedArguments) throws {
        let input = try arguments.size("--input")!, kernel = try arguments.size("--kernel")!
        let stride = try arguments.size("--stride") ?? Size2D(1)
        let padding = try arguments.padding("--padding") ?? .valid
        let dilation = try arguments.size("--dilation") ?? Size2D(1)
        do {
            geometry = try OutputSize(input: input, kernel: kernel, stride: stride, padding: padding, dilation: dilation)
        } catch {
            throw arguments.error(error.message)
        }
        json = arguments.flag("--json")
        drawing = try arguments.plotPath()
    }

    func run() throws {
        try finish(geometry, svg: { geometry.svg }, plot: drawing, json: json)
    }
}
