/// The structure of a PNG file, checked before any image data is decompressed: the
/// signature, then chunks in the order the PNG specification requires (sections 5.2, 5.6
/// and 11.2), and nothing after the last.
///
/// - the signature 89 50 4E 47 0D 0A 1A 0A (section 5.2);
/// - every chunk as `Chunk.read` checks it: length, type, CRC;
/// - IHDR first, once, 13 bytes, every field valid (`PNGHeader`);
/// - PLTE at most once, before the first IDAT; required for an indexed-colour image,
///   allowed for truecolour ones, refused in greyscale ones (section 11.2.3);
/// - IDAT at least once, the IDAT chunks consecutive (section 5.6); their data,
///   concatenated, is one zlib stream (section 10.2); an IDAT may be empty;
/// - IEND last, empty, and the last bytes of the file (section 11.2.5);
/// - any other chunk: refused if critical (an uppercase first letter, section 5.4),
///   skipped if ancillary. Ancillary chunks' own ordering rules are not checked, since
///   their contents are not used; tRNS is noted (`hasTransparency`) and ignored.
struct PNGDatastream {
    let header: PNGHeader
    /// The PLTE chunk's colours, if there is one.
    let palette: Palette?
    /// Where the data of each IDAT chunk is in the file, in order.
    let imageData: [Range<Int>]
    /// Whether a tRNS chunk (section 11.3.2.1) was there: transparency this reader ignores.
    let hasTransparency: Bool

    /// The PNG signature: \x89, "PNG", CR LF, Ctrl-Z, LF.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The datastream in `bytes`; an IHDR claiming more than `pixelLimit` pixels is refused
    /// as soon as it is read.
    init(_ bytes: UnsafeRawBufferPointer, pixelLimit: Int) throws(PNGError) {
        try Self.checkSignature(bytes)
        guard bytes.count > 8 else {
            throw PNGError("the file ends after the signature: the IHDR chunk is missing", offset: 8)
        }
        let first = try Chunk.read(in: bytes, at: 8)
        guard first.type == Chunk.ihdr else {
            throw PNGError("the first chunk is \(first.name): a PNG starts with IHDR", offset: first.offset)
        }
        guard first.data.count == 13 else {
            throw PNGError("the IHDR chunk has \(bytesCount(first.data.count)) of data; it has 13", offset: first.offset)
        }
        let header = try PNGHeader(ihdr: UnsafeRawBufferPointer(rebasing: bytes[first.data]), offset: first.data.lowerBound,
                                   pixelLimit: pixelLimit)

        var palette: Palette?
        var imageData: [Range<Int>] = []
        /// The first chunk after the IDAT chunks: no IDAT may follow it.
        var afterImageData: Chunk?
        var hasTransparency = false
        var position = first.end
        while true {
            guard position < bytes.count else {
                throw PNGError("the file ends without an IEND chunk", offset: bytes.count)
            }
            let chunk = try Chunk.read(in: bytes, at: position)
            switch chunk.type {
            case Chunk.ihdr:
                throw PNGError("a second IHDR chunk: a PNG has one, first", offset: chunk.offset)
            case Chunk.plte:
                guard header.colorType != .gray && header.colorType != .grayAlpha else {
                    throw PNGError("a PLTE chunk in a \(header.colorType.name) image (colour type \(header.colorType.rawValue)), which has no palette",
                                   offset: chunk.offset)
                }
                guard palette == nil else { throw PNGError("a second PLTE chunk: a PNG has at most one", offset: chunk.offset) }
                guard imageData.isEmpty else {
                    throw PNGError("the PLTE chunk comes after the image data; it must come before the first IDAT chunk", offset: chunk.offset)
                }
                palette = try Palette(chunk, in: bytes)
            case Chunk.idat:
                if let afterImageData {
                    throw PNGError("an IDAT chunk after the \(afterImageData.name) chunk that follows the image data: IDAT chunks must be consecutive",
                                   offset: chunk.offset)
                }
                guard header.colorType != .palette || palette != nil else {
                    throw PNGError("the image data of an indexed-colour image comes before any PLTE chunk: its palette is missing", offset: chunk.offset)
                }
                imageData.append(chunk.data)
            case Chunk.iend:
                guard !imageData.isEmpty else {
                    throw PNGError("the IEND chunk comes before any IDAT chunk: the image has no data", offset: chunk.offset)
                }
                guard chunk.data.isEmpty else {
                    throw PNGError("the IEND chunk has \(bytesCount(chunk.data.count)) of data; it has none", offset: chunk.offset)
                }
                guard chunk.end == bytes.count else {
                    throw PNGError("\(bytesCount(bytes.count - chunk.end)) after the IEND chunk, which ends a PNG", offset: chunk.end)
                }
                self.header = header
                self.palette = palette
                self.imageData = imageData
                self.hasTransparency = hasTransparency
                return
            default:
                guard !chunk.isCritical else {
                    throw PNGError("unknown critical chunk \(chunk.name): its uppercase first letter says the image cannot be decoded without it",
                                   offset: chunk.offset)
                }
                if chunk.type == Chunk.trns { hasTransparency = true }
                if !imageData.isEmpty && afterImageData == nil { afterImageData = chunk }
            }
            position = chunk.end
        }
    }

    /// The signature, byte by byte: "not a PNG" when it differs from the start, "damaged"
    /// when only its last four bytes do (they are there to catch transfers that change line
    /// ends, section 5.2).
    private static func checkSignature(_ bytes: UnsafeRawBufferPointer) throws(PNGError) {
        guard !bytes.isEmpty else {
            throw PNGError("the file is empty: a PNG starts with the 8-byte signature 89 50 4E 47 0D 0A 1A 0A", offset: 0)
        }
        for i in 0..<min(8, bytes.count) where bytes[i] != signature[i] {
            if i < 4 {
                throw PNGError("not a PNG: the file does not start with the signature 89 50 4E 47 0D 0A 1A 0A (\\x89 P N G CR LF ^Z LF)", offset: i)
            }
            throw PNGError("the PNG signature is damaged: byte \(i) is \(bytes[i].hexadecimal), not \(signature[i].hexadecimal) (as when a transfer converts line ends)",
                           offset: i)
        }
        guard bytes.count >= 8 else {
            throw PNGError("the file ends inside the PNG signature (\(bytes.count) of its 8 bytes)", offset: bytes.count)
        }
    }
}
