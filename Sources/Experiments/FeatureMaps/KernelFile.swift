import Reporting

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
    /// The longest kernel name: with ".pfm" it stays within a file system's 255 bytes.
    public static let maximumNameLength = 200

    /// - Throws: `KernelFileError` at the line and column of the first mistake: a line
    ///   that is neither a `kernel` line nor a row, a name that cannot be a file name or
    ///   is used twice, a divisor or weight that is not a finite number (or a divisor that
    ///   makes one infinite), rows of different lengths, a kernel without rows or larger
    ///   than `maximumSide`, a NUL byte, no kernel at all.
    public static func parse(_ text: String) throws(KernelFileError) -> [NamedKernel] {
        var kernels: [NamedKernel] = []
        var names = Set<String>()
        var current: (name: String, line: Int, divisor: Float, divisorText: String, rows: [[Float]])?
        func finish() throws(KernelFileError) {
            guard let kernel = current else { return }
            guard let width = kernel.rows.first?.count else {
                throw KernelFileError(line: kernel.line, column: 1, message: "kernel \(kernel.name) has no rows")
            }
            let weights = kernel.rows.flatMap { $0 }.map { $0 / kernel.divisor }
            guard weights.allSatisfy(\.isFinite) else {
                throw KernelFileError(line: kernel.line, column: 1, message: "dividing kernel \(kernel.name) by \(kernel.divisorText) makes weights too large for a float")
            }
            kernels.append(NamedKernel(name: kernel.name, height: kernel.rows.count, width: width, weights: weights))
            current = nil
        }
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = index + 1
            if let nul = rawLine.firstIndex(of: "\0") {
                throw KernelFileError(line: line, column: rawLine.distance(from: rawLine.startIndex, to: nul) + 1, message: "a NUL byte; a kernel file is text")
            }
            let content = rawLine.prefix { $0 != "#" }
            let words = content.split(whereSeparator: \.isWhitespace)
            func column(_ word: Substring) -> Int { rawLine.distance(from: rawLine.startIndex, to: word.startIndex) + 1 }
            guard let first = words.first else { continue }
            if first == "kernel" {
                try finish()
                guard words.count == 2 || (words.count == 4 && words[2] == "/") else {
                    throw KernelFileError(line: line, column: 1, message: "expected 'kernel NAME' or 'kernel NAME / DIVISOR'")
                }
                let name = String(words[1])
                guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }), name != "sheet", name != ".", name != ".." else {
                    throw KernelFileError(line: line, column: column(words[1]),
                                          message: "kernel name '\(abbreviated(name))' must be letters, digits, '-', '_' or '.' (and not 'sheet')")
                }
                guard name.count <= maximumNameLength else {
                    throw KernelFileError(line: line, column: column(words[1]), message: "a kernel name of \(name.count) characters; at most \(maximumNameLength), as it names files")
                }
                guard names.insert(name).inserted else { throw KernelFileError(line: line, column: column(words[1]), message: "kernel \(name) is defined twice") }
                var divisor: Float = 1
                if words.count == 4 {
                    guard let value = Float(words[3]), value.isFinite, value != 0 else {
                        throw KernelFileError(line: line, column: column(words[3]), message: "the divisor '\(abbreviated(String(words[3])))' is not a nonzero number")
                    }
                    divisor = value
                }
                current = (name, line, divisor, words.count == 4 ? String(words[3]) : "1", [])
                continue
            }
            guard let kernel = current else {
                throw KernelFileError(line: line, column: column(first), message: "numbers before any 'kernel NAME' line")
            }
            var row: [Float] = []
            for word in words {
                guard let value = Float(word), value.isFinite else {
                    throw KernelFileError(line: line, column: column(word), message: "'\(abbreviated(String(word)))' is not a number")
                }
                row.append(value)
            }
            if let width = kernel.rows.first?.count, width != row.count {
                throw KernelFileError(line: line, column: 1, message: "this row has \(row.count) numbers, the first row of kernel \(kernel.name) has \(width)")
            }
            guard row.count <= maximumSide, kernel.rows.count < maximumSide else {
                throw KernelFileError(line: line, column: 1, message: "kernel \(kernel.name) is larger than \(maximumSide)×\(maximumSide)")
            }
            current!.rows.append(row)
        }
        try finish()
        guard !kernels.isEmpty else { throw KernelFileError(line: 1, column: 1, message: "no kernels: a kernel starts with a 'kernel NAME' line") }
        return kernels
    }
}

/// A mistake in a kernel file, at a line and column (from 1).
public struct KernelFileError: Error, Equatable, Sendable {
    public let line: Int
    public let column: Int
    public let message: String

    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }
}
