import Testing

@testable import ConvCore

struct NetworkSpecTests {
    @Test("every layer of the language, with pairs, named paddings, comments, ';' and CRLF")
    func parsesEveryLayer() throws {
        let spec = try NetworkSpec(parsing: """
            # a comment line\r
            input 64x32x3   # width 64, height 32\r
            conv 16 k=5x3 s=2x1 p=same d=1x2 g=1 bias=false; relu
            conv 8 k=3 p=valid; tanh; sigmoid; leakyrelu
            maxpool 2; avgpool 3x2 s=1
            FLATTEN
            fc 10 bias=true; softmax
            reshape 5x2
            """)
        let layers = spec.statements.map(\.layer)
        #expect(layers == [
            .input(Size2D(height: 32, width: 64), channels: 3),
            .convolution(filters: 16, kernel: Size2D(height: 3, width: 5), stride: Size2D(height: 1, width: 2), padding: .same,
                         dilation: Size2D(height: 2, width: 1), groups: 1, bias: false),
            .activation("relu"),
            .convolution(filters: 8, kernel: Size2D(3), stride: Size2D(1), padding: .valid, dilation: Size2D(1), groups: 1, bias: true),
            .activation("tanh"), .activation("sigmoid"), .activation("leakyrelu"),
            .pooling(.max, kernel: Size2D(2), stride: Size2D(2), padding: Size2D(0)),
            .pooling(.average, kernel: Size2D(height: 2, width: 3), stride: Size2D(1), padding: Size2D(0)),
            .flatten,
            .fullyConnected(features: 10, bias: true), .activation("softmax"),
            .reshape(Size2D(height: 2, width: 5), channels: 1),
        ])
        #expect(spec.statements.map(\.line) == [2, 3, 3, 4, 4, 4, 4, 5, 5, 6, 7, 7, 8])
        #expect(spec.statements[2].column == 50)
    }

    @Test("every mistake names its line and column and says what was expected", arguments: [
        ("input 32x32x3\nconv 6", 2, 1, "conv needs k=… (the kernel size, K or KWxKH)"),
        ("input 32x32x3\nconv k=3", 2, 1, "conv needs the number of output channels after it"),
        ("input 32x32x3\nconv six k=3", 2, 6, "expected the number of output channels, a whole number ≥ 1, got 'six'"),
        ("input 32x32x3\nconv 0 k=3", 2, 6, "expected the number of output channels, a whole number ≥ 1, got '0'"),
        ("input 32x32x3\nconv 6 k=3x", 2, 10, "expected K or KWxKH, whole numbers ≥ 1, got '3x'"),
        ("input 32x32x3\nconv 6 k=3 p=-1", 2, 14, "expected K or KWxKH, whole numbers ≥ 0, got '-1'"),
        ("input 32x32x3\nconv 6 k=3 k=5", 2, 12, "option 'k' is given twice"),
        ("input 32x32x3\nconv 6 k=3 stride=2", 2, 12, "conv takes no option 'stride'"),
        ("input 32x32x3\nconv 6 k=3 bias=yes", 2, 17, "expected true or false for bias, got 'yes'"),
        ("input 32x32x3\nconv 6 k=3 g=0", 2, 14, "expected a whole number ≥ 1 for g, got '0'"),
        ("input 32x32x3\nconv 6 k=3 7", 2, 12, "expected key=value after the options, got '7'"),
        ("input 32x32x3\nrelu now", 2, 6, "unexpected 'now' after relu"),
        ("input 32x32x3; dense 10", 1, 16, "unknown layer 'dense': expected input, conv, relu, relu6, hardswish, tanh, sigmoid, leakyrelu, softmax, maxpool, avgpool, adaptiveavgpool, globalavgpool, flatten, fc, reshape, local, batchnorm, dropout, or a block: residual, sequential, repeat"),
        ("input 32", 1, 7, "expected an input size width×height×channels such as 224x224x3, got '32'"),
        ("input 32x32x3; flatten; reshape 0x4", 1, 33, "expected the maps' size width×height×channels such as 224x224x3, got '0x4'"),
        ("input 32x32x3; flatten; reshape", 1, 25, "reshape needs the maps' size, such as 28x28x6 after it"),
        ("input 32x32x3\nmaxpool s=2", 2, 1, "maxpool needs the pooling window, K or KWxKH after it"),
    ])
    func errors(text: String, line: Int, column: Int, message: String) {
        #expect(throws: SpecError(line: line, column: column, message: message)) { try NetworkSpec(parsing: text) }
    }
}
