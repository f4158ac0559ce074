extension NetpbmImage {
    /// The largest image a reader accepts unless told otherwise: 2^28 pixels (16384 × 16384).
    public static let defaultPixelLimit = 1 << 28

    /// Reads image `index` (counting from 0, as `pamfile` does) of a Netpbm file: PBM,
    /// PGM or PPM, plain (P1–P3) or raw (P4–P6), or PFM (Pf, PF).
    ///
    /// Exactly as the Netpbm specification (netpbm.sourceforge.net, `pbm`, `pgm`, `ppm`,
    /// `pfm`) describes the formats: `#` comments anywhere in a header after the magic
    /// number, even inside a number; any whitespace between header fields; exactly one
    /// whitespace character between the header and a raw raster; maxval 1…65535, samples
    /// of two bytes, most significant first, when maxval > 255; PBM's 1 is black and its
    /// raw rows are padded to whole bytes; PFM rows stored bottom to top, the sign of the
    /// scale giving the byte order (negative: little-endian), the floats taken as they are.
    /// A raw file may hold several images one after another, whitespace between them.
    ///
    /// Everything else is a `NetpbmError` naming what is wrong and where, never a trap:
    /// an empty file, a bad magic number, non-numeric or negative header fields, maxval 0
    /// or above 65535, a sample above maxval, a truncated raster, NaN or infinity in a PFM,
    /// bytes after the last image that are neither whitespace nor another image. A header
    /// claiming more than `pixelLimit` pixels is refused before anything is allocated.
    public init(reading bytes: UnsafeRawBufferPointer, image index: Int = 0, pixelLimit: Int = defaultPixelLimit) throws(NetpbmError) {
        var parser = Parser(bytes: bytes, pixelLimit: pixelLimit)
        var image = try parser.image()
        for count in stride(from: 1, through: index, by: 1) {
            parser.skipWhitespace()
            guard !parser.atEnd else {
                throw parser.error("the file holds \(count) image\(count == 1 ? "" : "s"); there is no image \(index) (counting from 0)")
            }
            image = try parser.image()
        }
        try parser.checkTrailingBytes()
        self = image
    }

    /// Reads image `index` of a Netpbm file held in an array; see the buffer form.
    public init(reading bytes: [UInt8], image index: Int = 0, pixelLimit: Int = defaultPixelLimit) throws(NetpbmError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(NetpbmError) in try NetpbmImage(reading: buffer, image: index, pixelLimit: pixelLimit) }
        }
        self = try result.get()
    }
}

/// A cursor over a Netpbm file: the header's tokens, the rasters, and where each went wrong.
private struct Parser {
    let bytes: UnsafeRawBufferPointer
    let pixelLimit: Int
    var position = 0

    init(bytes: UnsafeRawBufferPointer, pixelLimit: Int) {
        self.bytes = bytes
        self.pixelLimit = pixelLimit
    }

    var atEnd: Bool { position >= bytes.count }

    func peek(_ ahead: Int = 0) -> UInt8? {
        position + ahead < bytes.count ? bytes[position + ahead] : nil
    }

    /// An error at `offset` (default: here), with the line computed for the message.
    func error(_ message: String, at offset: Int? = nil, claimedSize: (width: Int, height: Int)? = nil) -> NetpbmError {
        let offset = min(offset ?? position, bytes.count)
        var line = 1
        for i in 0..<offset where bytes[i] == 0x0A || (bytes[i] == 0x0D && (i + 1 >= bytes.count || bytes[i + 1] != 0x0A)) {
            line += 1
        }
        return NetpbmError(message, offset: offset, line: line, claimedSize: claimedSize)
    }

    // MARK: - Images

    mutating func image() throws(NetpbmError) -> NetpbmImage {
        guard let p = peek(), let kind = peek(1) else {
            throw error(bytes.isEmpty ? "the file is empty: a Netpbm image starts with a magic number such as P5"
                                      : "the file ends inside the magic number")
        }
        guard p == UInt8(ascii: "P"), "123456fF".utf8.contains(kind) else {
            throw error("not a Netpbm image: \(describe(p)) \(describe(kind)) is not a magic number (P1–P6, Pf, PF)")
        }
        position += 2
        switch kind {
        case UInt8(ascii: "f"), UInt8(ascii: "F"): return try floatmap(channels: kind == UInt8(ascii: "F") ? 3 : 1)
        default: return try integerImage(magic: Int(kind - UInt8(ascii: "0")))
        }
    }

    /// P1–P6.
    private mutating func integerImage(magic: Int) throws(NetpbmError) -> NetpbmImage {
        let kind: NetpbmImage.Kind = [.bitmap, .graymap, .pixmap][(magic - 1) % 3]
        let plain = magic <= 3
        let channels = kind == .pixmap ? 3 : 1
        let (width, widthAt) = try headerNumber("width")
        guard width >= 1 else { throw error("the width is 0: an image is at least 1 pixel wide", at: widthAt) }
        let (height, heightAt) = try headerNumber("height")
        guard height >= 1 else { throw error("the height is 0: an image is at least 1 pixel tall", at: heightAt) }
        let (maxval, maxvalAt) = kind == .bitmap ? (1, position) : try headerNumber("maxval")
        guard (1...65535).contains(maxval) else { throw error("maxval \(maxval) is out of range 1…65535", at: maxvalAt) }
        let count = try checkedSampleCount(width, height, channels, at: widthAt)
        if !plain { try rasterDelimiter() }

        let samples: [UInt16]
        switch (kind, plain) {
        case (.bitmap, true): samples = try plainBits(count)
        case (.bitmap, false): samples = try rawBits(width: width, height: height)
        case (_, true): samples = try plainSamples(count, maxval: maxval)
        case (_, false): samples = try rawSamples(count, maxval: maxval)
        }
        return NetpbmImage(kind: kind, width: width, height: height, channels: channels, maxval: maxval, samples: .integers(samples))
    }

    /// Pf and PF: three lines, each ended by one whitespace character, no comments; then
    /// 32-bit floats, rows bottom to top.
    private mutating func floatmap(channels: Int) throws(NetpbmError) -> NetpbmImage {
        try oneWhitespace(after: "the PFM identifier")
        let widthAt = position
        let width = try pfmNumber("width"), height = try pfmNumber("height")
        guard width >= 1, height >= 1 else { throw error("a PFM image is at least 1×1; the header says \(width)×\(height)", at: widthAt) }
        try oneWhitespace(after: "the PFM dimensions")
        let count = try checkedSampleCount(width, height, channels, at: widthAt)
        while let b = peek(), isWhitespace(b) { position += 1 }
        let scaleAt = position
        while let b = peek(), !isWhitespace(b), position - scaleAt < 64 { position += 1 }
        let text = String(decoding: bytes[scaleAt..<position], as: UTF8.self)
        guard let scale = Double(text), scale.isFinite, scale != 0 else {
            throw error("the PFM scale '\(text)' is not a nonzero decimal number (its sign gives the byte order)", at: scaleAt)
        }
        try oneWhitespace(after: "the PFM scale")

        let rasterAt = position
        try requireBytes(count * 4, "\(width)×\(height)×\(channels) floats")
        var values = [Float](repeating: 0, count: count)
        let rowLength = width * channels
        for storedRow in 0..<height {
            let row = height - 1 - storedRow  // Stored bottom to top.
            for i in 0..<rowLength {
                let at = rasterAt + (storedRow * rowLength + i) * 4
                let bits = (0..<4).reduce(UInt32(0)) { word, k in
                    word | UInt32(bytes[at + (scale < 0 ? k : 3 - k)]) << (8 * k)
                }
                let value = Float(bitPattern: bits)
                guard value.isFinite else { throw error("a PFM sample is \(value): samples must be finite", at: at) }
                values[row * rowLength + i] = value
            }
        }
        position = rasterAt + count * 4
        return .floatmap(width: width, height: height, channels: channels, values: values)
    }

    /// width · height · channels, refusing more than the pixel limit before any allocation.
    private func checkedSampleCount(_ width: Int, _ height: Int, _ channels: Int, at offset: Int) throws(NetpbmError) -> Int {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= pixelLimit else {
            throw error("the header claims \(width)×\(height) pixels, more than the limit of \(pixelLimit)", at: offset,
                        claimedSize: (width, height))
        }
        return pixels * channels
    }

    // MARK: - Header tokens

    /// Skips whitespace and `#` comments (through the next CR or LF).
    mutating func skipWhitespaceAndComments() {
        while let b = peek() {
            if b == UInt8(ascii: "#") { skipComment() } else if isWhitespace(b) { position += 1 } else { return }
        }
    }

    mutating func skipWhitespace() {
        while let b = peek(), isWhitespace(b) { position += 1 }
    }

    private mutating func skipComment() {
        while let b = peek() {
            position += 1
            if b == 0x0A || b == 0x0D { return }
        }
    }

    /// A header number and where it starts: decimal digits, which a comment may interrupt
    /// (the specification: "a comment can actually be in the middle of what you might
    /// consider a token").
    private mutating func headerNumber(_ what: String) throws(NetpbmError) -> (Int, at: Int) {
        skipWhitespaceAndComments()
        let start = position
        guard let first = peek() else { throw error("the file ends before the \(what)") }
        if first == UInt8(ascii: "-") { throw error("the \(what) is negative: header numbers are 0 or more", at: start) }
        guard isDigit(first) else { throw error("expected the \(what), a decimal number, found \(describe(first))") }
        var value = 0
        while let b = peek() {
            if isDigit(b) {
                value = value * 10 + Int(b - UInt8(ascii: "0"))
                guard value <= Int(Int32.max) else { throw error("the \(what) is too large (more than \(Int32.max))", at: start) }
                position += 1
            } else if b == UInt8(ascii: "#") {
                skipComment()
            } else {
                break
            }
        }
        return (value, start)
    }

    /// A PFM header number: digits after optional whitespace; PFM has no comments.
    private mutating func pfmNumber(_ what: String) throws(NetpbmError) -> Int {
        skipWhitespace()
        guard let first = peek(), isDigit(first) else {
            throw error("expected the PFM \(what), a decimal number, found \(peek().map(describe) ?? "the end of the file")")
        }
        let start = position
        var value = 0
        while let b = peek(), isDigit(b) {
            value = value * 10 + Int(b - UInt8(ascii: "0"))
            guard value <= Int(Int32.max) else { throw error("the PFM \(what) is too large (more than \(Int32.max))", at: start) }
            position += 1
        }
        return value
    }

    /// The single whitespace character between a raw header and its raster; comments may
    /// come before it, and then the character must still follow them.
    private mutating func rasterDelimiter() throws(NetpbmError) {
        while peek() == UInt8(ascii: "#") { skipComment() }
        try oneWhitespace(after: "the header (it separates the header from the raster)")
    }

    private mutating func oneWhitespace(after what: String) throws(NetpbmError) {
        guard let b = peek() else { throw error("the file ends right after \(what)") }
        guard isWhitespace(b) else { throw error("expected one whitespace character after \(what), found \(describe(b))") }
        position += 1
    }

    // MARK: - Rasters

    private func requireBytes(_ count: Int, _ what: String) throws(NetpbmError) {
        let available = bytes.count - position
        guard available >= count else {
            throw error("the raster is truncated: \(what) need \(count) bytes, the file has \(available) after the header", at: bytes.count)
        }
    }

    private mutating func rawSamples(_ count: Int, maxval: Int) throws(NetpbmError) -> [UInt16] {
        let width = maxval > 255 ? 2 : 1
        try requireBytes(count * width, "\(count) samples of \(width) byte\(width == 1 ? "" : "s")")
        var samples = [UInt16](repeating: 0, count: count)
        for i in 0..<count {
            let at = position + i * width
            let value = width == 1 ? UInt16(bytes[at]) : UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1])
            guard value <= maxval else { throw error("sample \(value) exceeds maxval \(maxval)", at: at) }
            samples[i] = value
        }
        position += count * width
        return samples
    }

    private mutating func rawBits(width: Int, height: Int) throws(NetpbmError) -> [UInt16] {
        let rowBytes = (width + 7) / 8
        try requireBytes(rowBytes * height, "\(height) rows of \(rowBytes) bytes")
        var bits = [UInt16](repeating: 0, count: width * height)
        for row in 0..<height {
            for column in 0..<width {
                let byte = bytes[position + row * rowBytes + column / 8]
                bits[row * width + column] = UInt16(byte >> (7 - column % 8) & 1)
            }
        }
        position += rowBytes * height
        return bits
    }

    private mutating func plainBits(_ count: Int) throws(NetpbmError) -> [UInt16] {
        var bits = [UInt16]()
        bits.reserveCapacity(count)
        while bits.count < count {
            skipWhitespaceAndComments()
            guard let b = peek() else { throw error("the raster ends after \(bits.count) of \(count) pixels") }
            guard b == UInt8(ascii: "0") || b == UInt8(ascii: "1") else {
                throw error("expected a pixel, 0 or 1, found \(describe(b))")
            }
            bits.append(UInt16(b - UInt8(ascii: "0")))
            position += 1
        }
        return bits
    }

    private mutating func plainSamples(_ count: Int, maxval: Int) throws(NetpbmError) -> [UInt16] {
        var samples = [UInt16]()
        samples.reserveCapacity(count)
        while samples.count < count {
            skipWhitespaceAndComments()
            let start = position
            guard let first = peek() else { throw error("the raster ends after \(samples.count) of \(count) samples") }
            guard isDigit(first) else { throw error("expected a sample, a decimal number, found \(describe(first))") }
            var value = 0
            while let b = peek(), isDigit(b) {
                value = min(value * 10 + Int(b - UInt8(ascii: "0")), 1 << 20)
                position += 1
            }
            guard value <= maxval else { throw error("sample \(value < 1 << 20 ? String(value) : "of \(position - start) digits") exceeds maxval \(maxval)", at: start) }
            samples.append(UInt16(value))
        }
        return samples
    }

    /// After the image read: only whitespace, or another image, may follow.
    func checkTrailingBytes() throws(NetpbmError) {
        var copy = self
        copy.skipWhitespace()
        guard let p = copy.peek() else { return }
        if p == UInt8(ascii: "P"), let kind = copy.peek(1), "123456fF".utf8.contains(kind) { return }
        throw copy.error("trailing garbage: \(bytes.count - copy.position) bytes after the image are neither whitespace nor another image")
    }
}

/// Whitespace as the specification defines it: C's isspace (space, TAB, LF, VT, FF, CR).
private func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) }

private func isDigit(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) }

/// A byte for a message: 'x' when printable, else its hex value.
private func describe(_ b: UInt8) -> String {
    let hex = String(b, radix: 16, uppercase: true)
    return (0x21...0x7E).contains(b) ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x" + (hex.count == 1 ? "0" : "") + hex
}
