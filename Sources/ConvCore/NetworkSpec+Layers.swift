extension NetworkSpec {
    /// One layer line: its keyword, then positional values, then `key=value` options;
    /// `start` is where the statement begins (its name, if it has one).
    static func layer(_ words: [Word], name: String?, at start: Word) throws(SpecError) -> Statement {
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
            layer = .pooling(keyword.text.lowercased() == "maxpool" ? .max : .average, kernel: kernel,
                             stride: try arguments.size("s") ?? kernel, padding: try arguments.size("p", minimum: 0) ?? Size2D(0))
        case "adaptiveavgpool":
            layer = .adaptiveAveragePooling(try arguments.positionalSize("the output size, K or WxH"))
        case "globalavgpool":
            layer = .adaptiveAveragePooling(Size2D(1))
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
            throw keyword.error("unknown layer '\(keyword.text)': expected input, conv, \(activations.joined(separator: ", ")), maxpool, avgpool, adaptiveavgpool, globalavgpool, flatten, fc, reshape, local, batchnorm, dropout, or a block: residual, sequential, repeat")
        }
        try arguments.finish()
        return Statement(layer: layer, name: name, line: start.line, column: start.column)
    }

    /// width×height×channels (× 1 if left out), each at least 1.
    private static func imageSize(_ word: Word, of what: String) throws(SpecError) -> (Size2D, channels: Int) {
        let parts = sizeParts(word.text)
        guard (2...3).contains(parts.count), let width = positiveInteger(parts[0]), let height = positiveInteger(parts[1]),
              let channels = parts.count == 3 ? positiveInteger(parts[2]) : 1
        else { throw word.error("expected \(what) width×height×channels such as 224x224x3, got '\(word.text)'") }
        return (Size2D(height: height, width: width), channels)
    }

    /// The words after a layer's keyword: positional values first, then `key=value` options.
    struct Arguments {
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

        mutating func size(_ key: String, required: Bool = false, minimum: Int = 1) throws(SpecError) -> Size2D? {
            guard let (_, value) = options.removeValue(forKey: key) else {
                if required { throw keyword.error("\(layer) needs \(key)=… (the kernel size, K or KWxKH)") }
                return nil
            }
            return try parseSize(value, minimum: minimum)
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
func sizeParts(_ text: String) -> [Substring] {
    text.split(omittingEmptySubsequences: false, whereSeparator: { "xX×".contains($0) })
}

/// A whole number ≥ 1, or nil.
func positiveInteger<S: StringProtocol>(_ text: S) -> Int? {
    Int(text).flatMap { $0 >= 1 ? $0 : nil }
}

