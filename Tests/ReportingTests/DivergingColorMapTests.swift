import SeededRandom
import Testing

@testable import Reporting

struct DivergingColorMapTests {
    @Test("blue below zero, near white at zero, red above; the ends and the middle are ColorBrewer RdBu's")
    func ends() {
        #expect(DivergingColorMap.color(-1) == (5, 48, 97))
        #expect(DivergingColorMap.color(0) == (247, 247, 247))
        #expect(DivergingColorMap.color(1) == (103, 0, 31))
        #expect(DivergingColorMap.color(-7) == DivergingColorMap.color(-1) && DivergingColorMap.color(.infinity) == DivergingColorMap.color(1))
        #expect(DivergingColorMap.color(.nan) == (0, 0, 0))
        let (red, _, blue) = DivergingColorMap.color(-0.5)
        #expect(blue > red)
        let (red2, _, blue2) = DivergingColorMap.color(0.5)
        #expect(red2 > blue2)
    }

    @Test("balanced: at equal distances from zero the two sides are about equally light, and lightness falls away from zero")
    func balanced() {
        func luminance(_ t: Float) -> Float {
            let (r, g, b) = DivergingColorMap.color(t)
            return 0.2126 * Float(r) + 0.7152 * Float(g) + 0.0722 * Float(b)
        }
        var previous = luminance(0)
        for step in 1...20 {
            let t = Float(step) / 20
            #expect(abs(luminance(t) - luminance(-t)) < 40, "±\(t)")
            #expect(min(luminance(t), luminance(-t)) <= previous + 1, "darker away from zero at \(t)")
            previous = min(luminance(t), luminance(-t))
        }
    }

    @Test("indices into the palette colour v / limit; the limit is the largest |v|, or a percentile of |v|; the bar runs blue to red")
    func pixelsAndLimit() {
        #expect(DivergingColorMap.indices([-2, 0, 2, -9, .nan], limit: 2) == [0, 127, 254, 0, 255])
        let palette = DivergingColorMap.palette
        #expect(palette.count == 256 && palette[0] == (5, 48, 97) && palette[127] == (247, 247, 247) && palette[254] == (103, 0, 31) && palette[255] == (0, 0, 0))
        let values: [Float] = (1...100).map { Float($0) } + [-1000]
        #expect(DivergingColorMap.limit(values) == 1000)
        #expect(DivergingColorMap.limit(values, percentile: 99) == 100)
        #expect(DivergingColorMap.limit([0, 0]) > 0)
        #expect(DivergingColorMap.limit([.nan, -3]) == 3)
        let bar = DivergingColorMap.bar(width: 4, height: 2)
        #expect(bar.count == 4 * 2 * 3 && Array(bar[0..<12]) == Array(bar[12..<24]))
        #expect(bar[2] > bar[0] && bar[9] > bar[11])  // blue first, red last
    }

    @Test("the limit is found by radix selection: the same value as sorting at every rank, on random, constant, sorted, few-valued and any-bits maps, NaN left out")
    func selection() {
        var generator = SeededGenerator(seed: 11)
        let cases: [[Float]] = [
            (0..<1000).map { _ in Float.random(in: -5...5, using: &generator) },
            [Float](repeating: 0.25, count: 300),
            (0..<500).map(Float.init),
            (0..<500).map { Float(499 - $0) },
            (0..<777).map { _ in Float(Int.random(in: 0...3, using: &generator)) },
            [7], [2, 1], [.infinity, 1, -.infinity, 3],
            // Any bits: magnitudes in every bucket of the top 16 bits, subnormals, NaNs (left out).
            (0..<20_000).map { _ in Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator)) },
            (0..<5000).map { _ in Float(bitPattern: UInt32.random(in: 0...0x00FF_FFFF, using: &generator)) * (Bool.random(using: &generator) ? -1 : 1) },
            // One bucket of the top bits, many values of its low bits; and −0 beside 0.
            (0..<3000).map { _ in Float(bitPattern: 0x3F80_0000 | UInt32.random(in: 0...0xFFFF, using: &generator)) },
            [-0.0, 0, -0.0, .leastNonzeroMagnitude],
        ]
        for values in cases {
            let sorted = values.filter { !$0.isNaN }.map(abs).sorted()
            for percentile in [0.0, 0.1, 1, 25, 50, 90, 99, 99.5, 100] {
                let rank = min(max(Int((percentile / 100 * Double(sorted.count)).rounded(.up)) - 1, 0), sorted.count - 1)
                let expected = sorted[rank].isFinite ? max(sorted[rank], .leastNormalMagnitude) : .greatestFiniteMagnitude
                #expect(DivergingColorMap.limit(values, percentile: percentile) == expected, "\(values.count) values, \(percentile)%")
            }
        }
    }

    @Test("indices round as rounded() does, at every step and at the halves between steps")
    func indexRounding() {
        var generator = SeededGenerator(seed: 12)
        let limit: Float = 3
        // The values whose scaled (t + 1) · 127 falls on a half, and random ones.
        let halves = (0..<254).map { Float($0) + 0.5 }.map { ($0 / 127 - 1) * limit }
        let values = halves + (0..<20_000).map { _ in Float.random(in: -4...4, using: &generator) } + [-.infinity, .infinity, -0.0]
        let reference = values.map { UInt8(((min(max($0 / limit, -1), 1) + 1) * 127).rounded()) }
        #expect(DivergingColorMap.indices(values, limit: limit) == reference)
    }

    @Test("shrinking averages values in blocks, as the picture's fitting does")
    func shrunk() {
        let small = GrayPicture.shrunk([1, 3, 5, 7, 2, 4, 6, 8], width: 4, height: 2, toFit: 2)
        #expect(small.width == 2 && small.height == 1 && small.values == [2.5, 6.5])
        #expect(GrayPicture.shrunk([1, 2], width: 2, height: 1, toFit: 4).values == [1, 2])
    }
}
