/// The five filter types of filter method 0 (PNG specification, section 9.2), undone.
///
/// An encoder stores each byte x of a scanline as Filt(x) = Orig(x) − Predictor, mod 256;
/// the decoder adds the predictor back, from bytes it has already reconstructed:
///
/// | type | name    | predictor of x                        |
/// |------|---------|---------------------------------------|
/// | 0    | None    | 0                                     |
/// | 1    | Sub     | a                                     |
/// | 2    | Up      | b                                     |
/// | 3    | Average | ⌊(a + b) / 2⌋, the sum not taken mod 256 |
/// | 4    | Paeth   | PaethPredictor(a, b, c)               |
///
/// where a is the byte `filterUnit` bytes to the left (one pixel back, or one byte for
/// pixels smaller than a byte), b the byte above in the previous scanline of the same
/// reduced image, c the byte above a; each is 0 when it would be left of the scanline's
/// start or above its first row (section 9.2). PaethPredictor ("Filter type 4: Paeth"):
/// p = a + b − c, and whichever of a, b, c is nearest to p, ties going to a, then b.
enum ScanlineFilter: UInt8 {
    case none = 0, sub = 1, up = 2, average = 3, paeth = 4

    /// A filter-type byte that is not 0 … 4.
    struct UnknownType: Error {
        let type: UInt8
        /// The scanline, from 0, within its reduced image.
        let row: Int
        /// The filter-type byte's offset in the decompressed data.
        let offset: Int
    }

    /// Reconstructs the scanlines of `image` in `data`, in place: each filtered byte is
    /// replaced by the original, so the row above is already original when a row reads
    /// it. The filter-type bytes stay.
    ///
    /// - Precondition: `data` holds the image's scanlines: `image.offset + image.byteCount ≤ data.count`.
    static func reconstruct(_ image: ReducedImage, in data: inout [UInt8], filterUnit unit: Int) throws(UnknownType) {
        precondition(image.offset + image.byteCount <= data.count, "ScanlineFilter: the scanlines are outside the data")
        let stride = 1 + image.rowBytes, length = image.rowBytes
        let failure: UnknownType? = data.withUnsafeMutableBufferPointer { data in
            for row in 0..<image.height {
                let start = image.offset + row * stride
                let line = start + 1, above = line - stride
                switch data[start] {
                case ScanlineFilter.none.rawValue:
                    break
                case ScanlineFilter.sub.rawValue:
                    for i in min(unit, length)..<length { data[line + i] &+= data[line + i - unit] }
                case ScanlineFilter.up.rawValue:
                    guard row > 0 else { break }
                    for i in 0..<length { data[line + i] &+= data[above + i] }
                case ScanlineFilter.average.rawValue:
                    for i in 0..<length {
                        let a = i >= unit ? UInt16(data[line + i - unit]) : 0
                        let b = row > 0 ? UInt16(data[above + i]) : 0
                        data[line + i] &+= UInt8((a + b) >> 1)
                    }
                case ScanlineFilter.paeth.rawValue:
                    for i in 0..<length {
                        let a = i >= unit ? Int(data[line + i - unit]) : 0
                        let b = row > 0 ? Int(data[above + i]) : 0
                        let c = i >= unit && row > 0 ? Int(data[above + i - unit]) : 0
                        data[line + i] &+= UInt8(paethPredictor(a, b, c))
                    }
                default:
                    return UnknownType(type: data[start], row: row, offset: start)
                }
            }
            return nil
        }
        if let failure { throw failure }
    }

    /// Whichever of a (left), b (above), c (upper left) is nearest to a + b − c; ties
    /// go to a, then b.
    static func paethPredictor(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let pa = abs(b - c), pb = abs(a - c), pc = abs(a + b - 2 * c)
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }
}
