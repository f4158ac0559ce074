/// The text format of kernel files: one or more kernels, each a `kernel NAME [/ DIVISOR]`
/// line followed by its rows of numbers (all rows as long as the first); `#` comments.
///
///     # Samples/kernels/edges.txt
///     kernel diagonal
///      2  1  0
///      1  0 -1
///      0 -1 -2
///
///     kernel box-5x5 / 25
///     1 1 1 1 1
///     ...
///
/// Names are letters, digits, '-', '_' and '.', as they become file names; a divisor
/// divides every weight. A mistake is reported with its line.
public enum KernelFile {
    /// The largest kernel side accepted: far beyond any use, small enough to allocate.
    public static let maximumSide = 255

    public static func parse(_ text: String) throws(KernelFileError) -> [NamedKernel] {
        var kernels: [NamedKernel] = []
        var current: (name: String, line: Int, divisor: Float, rows: [[Float]])?
        func finish() throws(KernelFileError) {
            guard let kernel = current else { return }
            guard let width = kernel.rows.first?.count else { throw KernelFileError(line: kernel.line, message: "kernel \(kernel.name) has no rows") }
            kernels.append(NamedKernel(name: kernel.name, height: kernel.rows.count, width: width,
                                       weights: kernel.rows.flatMap { $0 }.map { $0 / kernel.divisor }))
            current = nil
        }
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = index + 1
            let words = rawLine.prefix { $0 != "#" }.split(whereSeparator: \.isWhitespace).map(String.init)
            guard let first = words.first else { continue }
            if first == "kernel" {
                try finish()
                guard words.count == 2 || (words.count == 4 && words[2] == "/") else {
                    throw KernelFileError(line: line, message: "expected 'kernel NAME' or 'kernel NAME / DIVISOR'")
                }
                let name = words[1]
                guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }), name != "sheet" else {
                    throw KernelFileError(line: line, message: "kernel name '\(name)' must be letters, digits, '-', '_' or '.' (and not 'sheet')")
                }
                guard !kernels.contains(where: { $0.name == name }) else { throw KernelFileError(line: line, message: "kernel \(name) is defined twice") }
                var divisor: Float = 1
                if words.count == 4 {
                    guard let value = Float(words[3]), value.isFinite, value != 0 else {
                        throw KernelFileError(line: line, message: "the divisor '\(words[3])' is not a nonzero number")
                    }
                    divisor = value
                }
                current = (name, line, divisor, [])
                continue
            }
            guard current != nil else { throw KernelFileError(line: line, message: "numbers before any 'kernel NAME' line") }
            var row: [Float] = []
            for word in words {
                guard let value = Float(word), value.isFinite else { throw KernelFileError(line: line, message: "'\(word)' is not a number") }
                row.append(value)
            }
            if let width = current?.rows.first?.count, width != row.count {
                throw KernelFileError(line: line, message: "this row has \(row.count) numbers, the first row of kernel \(current!.name) has \(width)")
            }
            guard row.count <= maximumSide, current!.rows.count < maximumSide else {
                throw KernelFileError(line: line, message: "kernel \(current!.name) is larger than \(maximumSide)×\(maximumSide)")
            }
            current!.rows.append(row)
        }
        try finish()
        guard !kernels.isEmpty else { throw KernelFileError(line: 1, message: "no kernels: a kernel starts with a 'kernel NAME' line") }
        return kernels
    }
}

/// A mistake in a kernel file, at a line.
public struct KernelFileError: Error, Equatable, Sendable {
    public let line: Int
    public let message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }
}
