import Testing

@testable import ConvCore

/// The nastiest inputs of the model-language fuzzer's corpus (Tests/Fuzz/SpecFuzz.swift,
/// Tests/Fuzz/README.md): numbers at Int.max in every slot, overflowing counts, receptive
/// fields and steps, thousands of statements, long words, invalid UTF-8. The fuzzer found
/// no crash; each case pins that the input is parsed, and summarized or refused with a
/// `SpecError` that says why, instead of trapping on an overflow.
struct SpecFuzzRegressionTests {
    private static let max = "9223372036854775807"  // Int.max

    /// Parses `text` and summarizes it with its own input: the error message, or nil.
    private func summaryError(_ text: String, input: (Size2D, channels: Int)? = nil) throws -> SpecError? {
        let spec = try NetworkSpec(parsing: text)
        do throws(SpecError) {
            _ = try NetworkSummary(spec, input: input)
            return nil
        } catch {
            return error
        }
    }

    @Test("a count or size beyond 64 bits is a SpecError at its layer, never a trap", arguments: [
        // The input's values: 3 × Int.max factors.
        ("input \(max)x\(max)x\(max)", 1, 1, "the number of values, \(max) × \(max) × \(max), exceed the largest 64-bit integer"),
        // A dilated span d·(k − 1) + 1, with 'same' padding computed from it.
        ("input 2x2x1; conv 1 k=3 d=\(max) p=same", 1, 14, "height: input 2, kernel 3, dilation \(max) or padding 0+0 too large to compute with"),
        // The padded input n + 2p.
        ("input 2x2x1; conv 1 k=3 p=\(max)", 1, 14, "height: input 2, kernel 3, dilation 1 or padding \(max)+\(max) too large to compute with"),
        ("input 2x2x1; conv 1 k=\(max) s=\(max) p=4611686018427387904", 1, 14,
         "height: input 2, kernel \(max), dilation 1 or padding 4611686018427387904+4611686018427387904 too large to compute with"),
        // The receptive field's step, the product of the strides: 3037000500² > Int.max.
        ("input \(max)x1x1; maxpool 1 s=3037000500x1; maxpool 1 s=3037000500x1", 1, 58,
         "the receptive field's step, 3037000500 × 3037000500, exceed the largest 64-bit integer"),
        // A fully-connected layer's weights, in × out.
        ("input 3037000499x3037000499x1; flatten; fc 3037000499", 1, 41,
         "the fully-connected layer's weights, 9223372030926249001 × 3037000499, exceed the largest 64-bit integer"),
        // Weights + biases, each Int.max.
        ("input 1x1x\(max); conv \(max) k=1 g=\(max)", 1, 32, "the parameters, \(max) + \(max), exceed the largest 64-bit integer"),
        // Int.max parameters fit, their bytes do not (the fully-connected equivalent,
        // Int.max × Int.max, is informational and shown as beyond 64 bits).
        ("input 1x1x\(max); conv \(max) k=1 g=\(max) bias=false", 1, 1,
         "the parameters' bytes, \(max) × 4, exceed the largest 64-bit integer"),
        ("input 8x8x1; avgpool \(max)x1", 1, 14, "kernel width \(max) is larger than the input width 8"),
    ])
    func overflowIsAnError(text: String, line: Int, column: Int, message: String) throws {
        let error = try #require(try summaryError(text))
        #expect(error.line == line)
        #expect(error.column == column)
        #expect(error.message.hasPrefix(message), "\(error.message)")
    }

    @Test("strides and dilations of Int.max are fine where nothing overflows")
    func hugeStrideAndDilation() throws {
        let summary = try NetworkSummary(NetworkSpec(parsing: "input 8x8x1; conv 1 k=1 s=\(Self.max) d=\(Self.max)"))
        #expect(summary.rows.map(\.output) == [.image(Size2D(1), channels: 1)])
        #expect(summary.rows[0].receptiveField == Size2D(1))
        #expect(summary.totalParameters == 2)
    }

    @Test("a number one past Int.max is a parse error, not a trap")
    func pastIntMax() {
        #expect(throws: SpecError(line: 1, column: 7, message: "expected an input size width×height×channels such as 224x224x3, got '9223372036854775808x1'")) {
            try NetworkSpec(parsing: "input 9223372036854775808x1")
        }
        #expect(throws: SpecError.self) { try NetworkSpec(parsing: "input 2x2\nconv 99999999999999999999999 k=1") }
    }

    @Test("thousands of statements on one line, and a line of nothing but ';'")
    func manyStatements() throws {
        let long = try NetworkSummary(NetworkSpec(parsing: "input 1x1x1" + String(repeating: ";relu", count: 2000)))
        #expect(long.rows.count == 2000)
        #expect(long.rows.last?.index == 2000)
        #expect(long.totalParameters == 0)

        let empty = try NetworkSpec(parsing: String(repeating: ";", count: 1000))
        #expect(empty.statements.isEmpty)
        #expect(throws: SpecError.self) { try NetworkSummary(empty) }
        #expect(try NetworkSummary(empty, input: (Size2D(32), 3)).rows.isEmpty)
    }

    @Test("a 4000-character word, invalid UTF-8, NUL bytes and combining marks are unknown layers")
    func oddWords() {
        let long = String(repeating: "x", count: 4000)
        #expect(throws: SpecError.self) { try NetworkSpec(parsing: long) }
        let invalid = String(decoding: [0xff, 0xfe, 0x00, 0x3b, 0x0a, 0xc3] as [UInt8], as: UTF8.self)
        #expect(throws: SpecError.self) { try NetworkSpec(parsing: invalid) }
        #expect(throws: SpecError(line: 1, column: 1, message: "unknown layer 'relu\u{301}': expected input, conv, relu, relu6, hardswish, tanh, sigmoid, leakyrelu, softmax, maxpool, avgpool, adaptiveavgpool, globalavgpool, flatten, fc, reshape, local, batchnorm, dropout, or a block: residual, sequential, repeat")) {
            try NetworkSpec(parsing: "relu\u{301}")
        }
        #expect(throws: SpecError(line: 1, column: 25, message: "conv takes no option ''")) {
            try NetworkSpec(parsing: "input 4x4x2; conv 2 k=1 =3")
        }
    }

    @Test("Unicode spaces and newlines, '×', signs and a second input")
    func unicodeAndSigns() throws {
        // U+3000 is whitespace, U+0085 a newline.
        let spaced = try NetworkSpec(parsing: "input\u{3000}2×2X1\u{85}relu")
        #expect(spaced.statements.map(\.layer) == [.input(Size2D(2), channels: 1), .activation("relu")])
        #expect(spaced.statements.map(\.line) == [1, 2])
        // Int(_:) takes a leading '+'; "-0" is 0, a valid padding.
        let signed = try NetworkSpec(parsing: "input +4x+4x+2; conv +2 k=+1 p=-0")
        #expect(signed.statements.map(\.layer) == [
            .input(Size2D(4), channels: 2),
            .convolution(filters: 2, kernel: Size2D(1), stride: Size2D(1), padding: .explicit(Size2D(0)), dilation: Size2D(1), groups: 1, bias: true),
        ])
        #expect(throws: SpecError(line: 1, column: 23, message: "'input' must be the first layer, and come only once")) {
            try NetworkSummary(NetworkSpec(parsing: "input 1x1; maxpool 1; input 1x1"))
        }
    }
}
