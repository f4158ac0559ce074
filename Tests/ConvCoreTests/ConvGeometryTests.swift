import Testing

@testable import ConvCore

struct ConvGeometryTests {
    private func axis(_ n: Int, k: Int, s: Int = 1, d: Int = 1, p: Int = 0) throws -> AxisGeometry {
        try AxisGeometry("width", input: n, kernel: k, stride: s, dilation: d, padBefore: p, padAfter: p)
    }

    @Test("(n − k)/s + 1 of the textbooks, and ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1 in general", arguments: [
        // n, k, s, d, p, output, unused
        (1920, 3, 1, 1, 0, 1918, 0),
        (1080, 3, 1, 1, 0, 1078, 0),
        (224, 7, 2, 1, 3, 112, 1),     // ResNet's stem: (224 + 6 − 6 − 1) = 223 = 2·111 + 1
        (224, 11, 4, 1, 2, 55, 1),     // AlexNet's first layer: (224 + 4 − 10 − 1) = 217 = 4·54 + 1
        (5, 2, 2, 1, 0, 2, 1),         // (5 − 2) = 3 = 2·1 + 1: one column left over
        (7, 3, 3, 1, 0, 2, 1),         // stride > k: (7 − 3) = 4 = 3·1 + 1
        (10, 3, 1, 2, 0, 6, 0),        // dilation 2: span 5, (10 − 5)/1 + 1
        (10, 3, 2, 3, 1, 3, 1),        // (10 + 2 − 6 − 1) = 5 = 2·2 + 1
        (1, 1, 1, 1, 0, 1, 0),         // 1×1 on a single pixel
        (4, 4, 1, 1, 0, 1, 0),         // k = n
        (4, 4, 5, 1, 0, 1, 0),         // stride larger than everything: one window
    ])
    func outputSize(n: Int, k: Int, s: Int, d: Int, p: Int, output: Int, unused: Int) throws {
        let geometry = try axis(n, k: k, s: s, d: d, p: p)
        #expect(geometry.output == output)
        #expect(geometry.unused == unused)
    }

    @Test("the unused pixels are the ones after the last window, padding first")
    func unusedPixels() throws {
        // 6 wide, kernel 2, stride 3: windows at 0–1 and 3–4; column 5 is never read.
        let plain = try axis(6, k: 2, s: 3)
        #expect(plain.output == 2)
        #expect(plain.unused == 1)
        #expect(plain.unusedImagePixels == 1)
        // Padding 1 on a 5-wide input, kernel 2, stride 2: padded 0…6, windows 0–1, 2–3,
        // 4–5; position 6, the right padding, is left over: no image pixel is lost.
        let padded = try axis(5, k: 2, s: 2, p: 1)
        #expect(padded.output == 3)
        #expect(padded.unused == 1)
        #expect(padded.unusedImagePixels == 0)
    }

    @Test("'same' keeps the size; the odd padding pixel goes to the bottom/right, as in PyTorch")
    func samePadding() throws {
        let even = try ConvGeometry(input: Size2D(height: 5, width: 8), kernel: Size2D(height: 4, width: 2), padding: .same, dilation: Size2D(height: 1, width: 3))
        #expect(even.output == Size2D(height: 5, width: 8))
        #expect((even.height.padBefore, even.height.padAfter) == (1, 2))  // total 3
        #expect((even.width.padBefore, even.width.padAfter) == (1, 2))    // total d(k−1) = 3
        let odd = try ConvGeometry(input: Size2D(7), kernel: Size2D(5), padding: .same)
        #expect((odd.height.padBefore, odd.height.padAfter) == (2, 2))
    }

    @Test("every impossible geometry is an error that names the number and says why", arguments: [
        (Size2D(5), Size2D(7), Size2D(1), Padding.valid, Size2D(1), "kernel height 7 is larger than the input height 5"),
        (Size2D(5), Size2D(height: 3, width: 8), Size2D(1), Padding.explicit(Size2D(1)), Size2D(1), "kernel width 8 is larger than the padded input width 7 (5 + 1 + 1)"),
        (Size2D(5), Size2D(3), Size2D(1), Padding.valid, Size2D(3), "kernel height 3 at dilation 3 spans 7 pixels and is larger than the input height 5"),
        (Size2D(5), Size2D(3), Size2D(height: 0, width: 1), Padding.valid, Size2D(1), "stride 0 (height) must be at least 1: it is the step from one window to the next"),
        (Size2D(5), Size2D(3), Size2D(1), Padding.valid, Size2D(height: 1, width: -1), "dilation -1 (width) must be at least 1: 1 means the kernel's taps are adjacent"),
        (Size2D(5), Size2D(3), Size2D(1), Padding.explicit(Size2D(height: -1, width: 0)), Size2D(1), "padding -1 (height) must not be negative"),
        (Size2D(5), Size2D(3), Size2D(2), Padding.same, Size2D(1), "padding 'same' needs stride 1, but the stride is 2 (height): with a larger step the output cannot match the input"),
        (Size2D(height: 0, width: 5), Size2D(3), Size2D(1), Padding.valid, Size2D(1), "input height 0 must be at least 1"),
        (Size2D(5), Size2D(height: 3, width: 0), Size2D(1), Padding.valid, Size2D(1), "kernel width 0 must be at least 1"),
        (Size2D(Int.max), Size2D(3), Size2D(1), Padding.explicit(Size2D(1)), Size2D(1), "height: input 9223372036854775807, kernel 3, dilation 1 or padding 1+1 too large to compute with"),
    ])
    func errors(input: Size2D, kernel: Size2D, stride: Size2D, padding: Padding, dilation: Size2D, message: String) {
        #expect(throws: ShapeError(message)) {
            try ConvGeometry(input: input, kernel: kernel, stride: stride, padding: padding, dilation: dilation)
        }
    }
}
