import Testing

@testable import PNGCodec

/// Rows of `rowBytes` bytes after their filter-type bytes, from offset 0, not interlaced.
private func image(rows: Int, rowBytes: Int) -> ReducedImage {
    ReducedImage(xStart: 0, yStart: 0, xStep: 1, yStep: 1, width: rowBytes, height: rows, rowBytes: rowBytes, offset: 0)
}

/// The scanlines `data` (filter-type bytes included) with their filters undone.
private func reconstructed(_ data: [UInt8], rowBytes: Int, unit: Int) throws(ScanlineFilter.UnknownType) -> [UInt8] {
    var data = data
    try ScanlineFilter.reconstruct(image(rows: data.count / (1 + rowBytes), rowBytes: rowBytes), in: &data, filterUnit: unit)
    return data
}

struct ScanlineFilterTests {
    @Test("Sub adds the byte one pixel to the left: nothing for the first pixel")
    func sub() throws {
        #expect(try reconstructed([1, 10, 20, 30, 1, 2, 3], rowBytes: 6, unit: 3) == [1, 10, 20, 30, 11, 22, 33])
        // Sub-byte pixels: the unit is one byte, not one pixel; sums wrap mod 256.
        #expect(try reconstructed([1, 200, 100, 1], rowBytes: 3, unit: 1) == [1, 200, 44, 45])
    }

    @Test("Up adds the byte above; on the first row there is none (0)")
    func up() throws {
        #expect(try reconstructed([2, 5, 6, 2, 1, 255], rowBytes: 2, unit: 1) == [2, 5, 6, 2, 6, 5])
    }

    @Test("Average adds ⌊(left + above) / 2⌋ with the sum not taken mod 256; on the first row above is 0")
    func average() throws {
        #expect(try reconstructed([3, 100, 50], rowBytes: 2, unit: 1) == [3, 100, 100])
        // Row 1: 7 + ⌊(0 + 255) / 2⌋ = 134; 1 + ⌊(134 + 255) / 2⌋ = 195 (mod 256 first would give 67).
        #expect(try reconstructed([0, 255, 255, 3, 7, 1], rowBytes: 2, unit: 1) == [0, 255, 255, 3, 134, 195])
    }

    @Test("the Paeth predictor picks the nearest of left, above, upper left to left + above − upper left; ties to left, then above")
    func paethPredictor() {
        #expect(ScanlineFilter.paethPredictor(37, 84, 1) == 84)
        #expect(ScanlineFilter.paethPredictor(118, 128, 125) == 118)
        #expect(ScanlineFilter.paethPredictor(37, 84, 61) == 61)
        #expect(ScanlineFilter.paethPredictor(5, 5, 0) == 5)  // pa = pb = 5 < pc = 10: a
        #expect(ScanlineFilter.paethPredictor(14, 2, 10) == 2)  // pb = pc = 4 < pa = 8: b
        #expect(ScanlineFilter.paethPredictor(9, 9, 9) == 9)
    }

    @Test("Paeth on the first row is Sub (above and upper left are 0); on later rows it uses all three")
    func paeth() throws {
        // Row 0: 10, then 5 + predictor(10, 0, 0) = 15. Row 1: 1 + predictor(0, 10, 0) = 11;
        // 2 + predictor(11, 15, 10) = 2 + 15 = 17 (p = 16: pa = 5, pb = 1, pc = 6).
        #expect(try reconstructed([4, 10, 5, 4, 1, 2], rowBytes: 2, unit: 1) == [4, 10, 15, 4, 11, 17])
        // 16-bit grey: the unit is 2 bytes, so the first pixel's two bytes have no left.
        #expect(try reconstructed([4, 1, 2, 3, 4], rowBytes: 4, unit: 2) == [4, 1, 2, 4, 6])
    }

    @Test("None leaves a row as it is; a type above 4 is refused with its row and offset")
    func noneAndUnknown() throws {
        #expect(try reconstructed([0, 9, 8, 0, 7, 6], rowBytes: 2, unit: 1) == [0, 9, 8, 0, 7, 6])
        let error = try #require(throws: ScanlineFilter.UnknownType.self) { try reconstructed([0, 9, 8, 5, 7, 6], rowBytes: 2, unit: 1) }
        #expect((error.type, error.row, error.offset) == (5, 1, 3))
    }
}
