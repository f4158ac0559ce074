/// A network written in conv-demo's small model language: one layer per line or
/// `;`-separated, `#` to the end of a line is a comment, sizes width × height:
///
///     input 224x224x3                          # width × height × channels (× 1 if left out)
///     conv 64 k=3 s=1 p=1 d=1 g=1 bias=true    # output channels and k required;
///                                              # k, s, p, d may be WxH; p=same|valid too
///     relu | relu6 | hardswish | tanh | sigmoid | leakyrelu | softmax
///     maxpool 3 s=2 p=1 | avgpool 2            # s defaults to the kernel size, p to 0
///     adaptiveavgpool 7x7 | globalavgpool      # to a fixed size whatever the input's (1×1)
///     flatten
///     fc 4096 bias=true
///     reshape 28x28x6                          # flat features back into maps, width × height × channels
///     local 16 k=5 s=1 p=0 d=1 bias=true       # a convolution's windows, a kernel per position
///     batchnorm                                # per channel of an image, per feature after fc
///     dropout 0.5                              # the probability of zeroing, 0 ≤ P < 1
///
/// Blocks group layers, each closed by `end`, and nest:
///
///     residual                                 # y = after(F(x) + S(x))
///       conv 64 k=3 p=1 bias=false             # F, the branch: at least one layer
///       …
///     shortcut                                 # S: optional, the identity without it
///       conv 128 k=1 s=2 bias=false
///     then                                     # after: optional, applied to the sum
///       relu
///     end
///     sequential … end                         # layers as one named group
///     repeat 3 … end                           # the layers inside, three times over
///
/// Any layer or block may be named, `conv1: conv 64 k=7 s=2 p=3`; the names join with
/// dots into the tensor names of a checkpoint (`layer1.0.conv1.weight`), and an unnamed
/// layer is named by its position among its neighbours from 0, as in `nn.Sequential`
/// (`NetworkSpec+Names.swift`).
///
/// Every mistake is a `SpecError` at the line and column of the word that is wrong.
public struct NetworkSpec: Sendable {
    public indirect enum Layer: Equatable, Sendable {
        case input(Size2D, channels: Int)
        case convolution(filters: Int, kernel: Size2D, stride: Size2D, padding: Padding, dilation: Size2D, groups: Int, bias: Bool)
        case activation(String)
        /// Max or average pooling; padding is explicit (max pads with −∞, average counts the
        /// padded zeros in its mean, as PyTorch's defaults do).
        case pooling(Pooling2D.Kind, kernel: Size2D, stride: Size2D, padding: Size2D)
        /// Average pooling to a fixed output size, whatever the input's (PyTorch's
        /// `nn.AdaptiveAvgPool2d`); `globalavgpool` is the 1×1 case.
        case adaptiveAveragePooling(Size2D)
        case flatten
        case fullyConnected(features: Int, bias: Bool)
        /// Batch normalization: a scale and a shift per channel (or feature), and running
        /// statistics that are buffers, not parameters.
        case batchNorm
        /// Inverted dropout, in training only: each value zeroed with this probability, the
        /// others scaled by 1 / (1 − p).
        case dropout(Float)
        /// A locally connected layer: the windows of `convolution`, nothing shared.
        case locallyConnected(filters: Int, kernel: Size2D, stride: Size2D, padding: Padding, dilation: Size2D, bias: Bool)
        /// Flat features seen again as maps of this size (PyTorch's `nn.Unflatten(1, (C, H, W))`),
        /// so that a fully-connected layer can stand where a convolution stood.
        case reshape(Size2D, channels: Int)
        /// Layers applied in order, as one named group (a nested `nn.Sequential`).
        case sequential([Statement])
        /// A residual block: `after(branch(x) + shortcut(x))`, the shortcut the identity
        /// when it is nil. The two sums' shapes must agree.
        case residual(branch: [Statement], shortcut: Shortcut?, after: [Statement])
    }

    /// A residual block's shortcut: its layers, and the name they go under (torchvision's
    /// ResNets call it `downsample`).
    public struct Shortcut: Equatable, Sendable {
        public static let defaultName = "shortcut"

        public let name: String
        public let statements: [Statement]
    }

    /// A layer or block, the name it was given, and where it was written: the line and
    /// column (from 1) of its first word, the name if it has one.
    public struct Statement: Equatable, Sendable {
        public let layer: Layer
        /// The name written before it (`conv1:`), or nil for its position.
        public let name: String?
        public let line: Int
        public let column: Int
    }

    public static let activations = ["relu", "relu6", "hardswish", "tanh", "sigmoid", "leakyrelu", "softmax"]

    /// The top-level statements; blocks hold their own.
    public let statements: [Statement]

    /// The most layers a spec may expand to, `repeat` counted out: far beyond any real
    /// network, and a bound on the memory a typed spec can ask for.
    public static let maximumLayers = 100_000

    public init(parsing text: String) throws(SpecError) {
        var parser = Parser()
        // Any newline ends a line: "\r\n" is one Character in Swift, so splitting at "\n"
        // alone would join the lines of a file saved on Windows.
        for (lineIndex, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = Array(rawLine.prefix { $0 != "#" })
            var start = 0
            while start <= line.count {
                let end = line[start...].firstIndex(of: ";") ?? line.count
                let words = Self.words(line[start..<end], line: lineIndex + 1)
                if !words.isEmpty { try parser.take(words) }
                start = end + 1
            }
        }
        statements = try parser.finish()
        try Self.checkNames(statements.first?.layer.isInput == true ? Array(statements.dropFirst()) : statements)
    }

    /// A word of the spec and where it starts.
    struct Word {
        let text: String
        let line: Int
        let column: Int

        func error(_ message: String) -> SpecError { SpecError(line: line, column: column, message: message) }
    }

    private static func words(_ characters: ArraySlice<Character>, line: Int) -> [Word] {
        var words: [Word] = []
        var index = characters.startIndex
        while index < characters.endIndex {
            guard !characters[index].isWhitespace else { index += 1; continue }
            let end = characters[index...].firstIndex(where: \.isWhitespace) ?? characters.endIndex
            words.append(Word(text: String(characters[index..<end]), line: line, column: index + 1))
            index = end
        }
        return words
    }
}

/// A mistake in a model spec, at a line and a column (both from 1).
public struct SpecError: Error, Equatable, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}
