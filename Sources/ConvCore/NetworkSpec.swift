/// A network written in conv-demo's small model language: one layer per line or
/// `;`-separated, `#` to the end of a line is a comment, sizes width × height:
///
///     input 224x224x3                          # width × height × channels (× 1 if left out)
///     conv 64 k=3 s=1 p=1 d=1 g=1 bias=true    # output channels and k required;
///                                              # k, s, p, d may be WxH; p=same|valid too
///     relu | tanh | sigmoid | leakyrelu | softmax
///     maxpool 2 s=2 | avgpool 2 s=2            # s defaults to the kernel size
///     flatten
///     fc 4096 bias=true
///     reshape 28x28x6                          # flat features back into maps, width × height × channels
///     local 16 k=5 s=1 p=0 d=1 bias=true       # a convolution's windows, a kernel per position
///     batchnorm                                # per channel of an image, per feature after fc
///     dropout 0.5                              # the probability of zeroing, 0 ≤ P < 1
///
/// Every mistake is a `SpecError` at the line and column of the word that is wrong.
public struct NetworkSpec: Sendable {
    public enum Layer: Equatable, Sendable {
        case input(Size2D, channels: Int)
        case convolution(filters: Int, kernel: Size2D, stride: Size2D, padding: Padding, dilation: Size2D, groups: Int, bias: Bool)
        case activation(String)
        case pooling(Pooling2D.Kind, kernel: Size2D, stride: Size2D)
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
    }

    /// A layer and where it was written (line and column from 1).
    public struct Statement: Sendable {
        public let layer: Layer
        public let line: Int
        public let column: Int
    }

    public static let activations = ["relu", "tanh", "sigmoid", "leakyrelu", "softmax"]

    public let statements: [Statement]

    public init(parsing text: String) throws(SpecError) {
        var statements: [Statement] = []
        // Any newline ends a line: "\r\n" is one Character in Swift, so splitting at "\n"
        // alone would join the lines of a file saved on Windows.
        for (lineIndex, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = Array(rawLine.prefix { $0 != "#" })
            var start = 0
            while start <= line.count {
                let end = line[start...].firstIndex(of: ";") ?? line.count
                let words = Self.words(line[start..<end], line: lineIndex + 1)
                if !words.isEmpty { statements.append(try Self.statement(words)) }
                start = end + 1
            }
        }
        self.statements = statements
    }

    /// A word of the spec and where it starts.
    struct Word {
        let text: String
        let line: Int
        let column: Int

        func error(_ message: String) -> SpecError { SpecError(line: line, column: column, message: message) }
    }

    /// width×height×channels (× 1 if left out), each at least 1.
    private static func imageSize(_ word: Word, of what: String) throws(SpecError) -> (Size2D, channels: Int) {
        let parts = sizeParts(word.text)
        guard (2...3).contains(parts.count), let width = positiveInteger(parts[0]), let height = positiveInteger(parts[1]),
              let channels = parts.count == 3 ? positiveInteger(parts[2]) : 1
        else { throw word.error("expected \(what) width×height×channels such as 224x224x3, got '\(word.text)'") }
        return (Size2D(height: height, width: width), channels)
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

    private static func statement(_ words: [Word]) throws(SpecError) -> Statement {
        let keyword = words[0]
        var arguments = Arguments(keyword: keyword, words: Array(words.dropFirst()))
        let layer: Layer
        switch keyword.text.lowercased() {
        case "input":
            let (size, channels) = try imageSize(try arguments.positional("a size such as 224x224x3"), of: "an input size")
            layer = .input(size, channels: channels)
        case "reshape":
            let (size, channels) = try imageSize(try arguments.positional("the maps' size, such as 28x28x6"), of: "the maps' size")
            layer = .reshape(size, channels: channels)
        case "conv":
            let filters = try arguments.positionalInteger("the number of output channels")
            let kernel = try arguments.size("k", required: true)!
            layer = .convolution(
                filters: filters, kernel: kernel, stride: try arguments.size("s") ?? Size2D(1),
                padding: try arguments.padding("p") ?? .valid, dilation: try arguments.size("d") ?? Size2D(1),
                groups: try arguments.integer("g") ?? 1, bias: try arguments.bool("bias") ?? true)
        case "maxpool", "avgpool":
            let kernel = try arguments.positionalSize("the pooling window, K or KWxKH")
            layer = .pooling(keyword.text.lowercased() == "maxpool" ? .max : .average, kernel: kernel, stride: try arguments.size("s") ?? kernel)
        case "flatten":
            layer = .flatten
        case "fc":
            let features = try arguments.positionalInteger("the number of output features")
            layer = .fullyConnected(features: features, bias: try arguments.bool("bias") ?? true)
        case "local":
            let filters = try arguments.positionalInteger("the number of output channels")
            let kernel = try arguments.size("k", required: true)!
            layer = .locallyConnected(
                filters: filters, kernel: kernel, stride: try arguments.size("s") ?? Size2D(1),
                padding: try arguments.padding("p") ?? .valid, dilation: try arguments.size("d") ?? Size2D(1),
                bias: try arguments.bool("bias") ?? true)
        case "batchnorm":
            layer = .batchNorm
        case "dropout":
            var probability: Float = 0.5
            if !arguments.positionals.isEmpty {
                let word = try arguments.positional("the probability")
                guard let value = Float(word.text), value >= 0, value < 1 else {
                    throw word.error("expected the probability of dropping a value, 0 ≤ P < 1, got '\(word.text)'")
                }
                probability = value
            }
            layer = .dropout(probability)
        case let name where activations.contains(name):
            layer = .activation(name)
        default:
            throw keyword.error("unknown layer '\(keyword.text)': expected input, conv, \(activations.joined(separator: ", ")), maxpool, avgpool, flatten, fc, reshape, local, batchnorm or dropout")
        }
        try arguments.finish()
        return Statement(layer: layer, line: keyword.line, column: keyword.column)
    }

    /// The words after a layer's keyword: positional values first, then `key=value` options.
    private struct Arguments {
        let keyword: Word
        var positionals: [Word] = []
        var options: [String: (key: Word, value: Word)] = [:]
        var problems: [SpecError] = []

        init(keyword: Word, words: [Word]) {
            self.keyword = keyword
            for word in words {
                guard let equals = word.text.firstIndex(of: "=") else {
                    if options.isEmpty { positionals.append(word) } else {
                        problems.append(word.error("expected key=value after the options, got '\(word.text)'"))
                    }
                    continue
                }
                let key = String(word.text[..<equals]).lowercased()
                let valueText = String(word.text[word.text.index(after: equals)...])
                let value = Word(text: valueText, line: word.line, column: word.column + key.count + 1)
                if options[key] != nil { problems.append(word.error("option '\(key)' is given twice")) }
                options[key] = (word, value)
            }
        }

        private var layer: String { keyword.text.lowercased() }

        mutating func positional(_ what: String) throws(SpecError) -> Word {
            if let problem = problems.first { throw problem }
            guard !positionals.isEmpty else {
                throw keyword.error("\(layer) needs \(what) after it")
            }
            return positionals.removeFirst()
        }

        mutating func positionalInteger(_ what: String) throws(SpecError) -> Int {
            let word = try positional(what)
            guard let value = positiveInteger(word.text) else { throw word.error("expected \(what), a whole number ≥ 1, got '\(word.text)'") }
            return value
        }

        mutating func positionalSize(_ what: String) throws(SpecError) -> Size2D {
            let word = try positional(what)
            return try parseSize(word, minimum: 1)
        }

        mutating func size(_ key: String, required: Bool = false) throws(SpecError) -> Size2D? {
            guard let (_, value) = options.removeValue(forKey: key) else {
                if required { throw keyword.error("\(layer) needs \(key)=… (the kernel size, K or KWxKH)") }
                return nil
            }
            return try parseSize(value, minimum: 1)
        }

        mutating func padding(_ key: String) throws(SpecError) -> Padding? {
            guard let (_, value) = options.removeValue(forKey: key) else { return nil }
            switch value.text.lowercased() {
            case "same": return .same
            case "valid": return .valid
            default: return .explicit(try parseSize(value, minimum: 0))
            }
        }

        mutating func integer(_ key: String) throws(SpecError) -> Int? {
            guard let (_, value) = options.removeValue(forKey: key) else { return nil }
            guard let number = positiveInteger(value.text) else { throw value.error("expected a whole number ≥ 1 for \(key), got '\(value.text)'") }
            return number
        }

        mutating func bool(_ key: String) throws(SpecError) -> Bool? {
            guard let (_, value) = options.removeValue(forKey: key) else { return nil }
            switch value.text.lowercased() {
            case "true": return true
            case "false": return false
            default: throw value.error("expected true or false for \(key), got '\(value.text)'")
            }
        }

        /// Throws for whatever is left: a problem seen while splitting, an extra value, an
        /// option this layer does not take.
        func finish() throws(SpecError) {
            if let problem = problems.first { throw problem }
            if let extra = positionals.first { throw extra.error("unexpected '\(extra.text)' after \(layer)") }
            if let (key, _) = options.values.min(by: { $0.key.column < $1.key.column }) {
                throw key.error("\(layer) takes no option '\(key.text.prefix { $0 != "=" })'")
            }
        }

        /// K (K × K) or KWxKH, each at least `minimum`.
        private func parseSize(_ word: Word, minimum: Int) throws(SpecError) -> Size2D {
            let parts = sizeParts(word.text)
            let numbers = parts.compactMap { Int($0) }.filter { $0 >= minimum }
            guard (1...2).contains(parts.count), numbers.count == parts.count else {
                throw word.error("expected K or KWxKH, whole numbers ≥ \(minimum), got '\(word.text)'")
            }
            return numbers.count == 1 ? Size2D(numbers[0]) : Size2D(height: numbers[1], width: numbers[0])
        }
    }
}

/// `224x224x3` → ["224", "224", "3"]; `x`, `X` and `×` all separate.
private func sizeParts(_ text: String) -> [Substring] {
    text.split(omittingEmptySubsequences: false, whereSeparator: { "xX×".contains($0) })
}

/// A whole number ≥ 1, or nil.
private func positiveInteger<S: StringProtocol>(_ text: S) -> Int? {
    Int(text).flatMap { $0 >= 1 ? $0 : nil }
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
