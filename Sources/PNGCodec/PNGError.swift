/// A file that is not a valid PNG, or one this reader refuses to hold: what is wrong, and
/// at which byte of the file.
///
/// Problems found in the image data after it is decompressed (a filter type, a palette
/// index) have no byte of the file of their own: for those, `offset` is where the first
/// IDAT chunk's data starts and `imageDataOffset` the byte of the decompressed data.
public struct PNGError: Error, Equatable, Sendable, CustomStringConvertible {
    /// One line, no offset: "the IDAT chunk's CRC-32 is 0x1a2b3c4d, its type and data's is 0x00000000".
    public let message: String
    /// Offset from the start of the file of the byte where the problem is: the first byte
    /// of a misplaced chunk, of a bad header field or CRC, the file's length when it ends
    /// too soon.
    public let offset: Int
    /// For a problem in the decompressed image data (the filtered scanlines of section 7.2
    /// of the PNG specification): the offset in that data, from its first filter-type byte.
    public let imageDataOffset: Int?
    /// When the image was refused for its size: the width and height its IHDR claims, so
    /// that a caller that lowered the limit (to stay within its memory) can say why.
    public let claimedSize: ClaimedSize?

    public struct ClaimedSize: Equatable, Sendable {
        public let width: Int
        public let height: Int
        /// width × height, or nil when that overflows.
        public var pixels: Int? {
            let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
            return overflow ? nil : pixels
        }
    }

    public init(_ message: String, offset: Int, imageDataOffset: Int? = nil, claimedSize: (width: Int, height: Int)? = nil) {
        self.message = message
        self.offset = offset
        self.imageDataOffset = imageDataOffset
        self.claimedSize = claimedSize.map { ClaimedSize(width: $0.width, height: $0.height) }
    }

    /// "byte 41: the IDAT chunk's CRC-32 is …", or
    /// "byte 41 (image data byte 16): scanline 1 has filter type 7 …".
    public var description: String {
        if let imageDataOffset { return "byte \(offset) (image data byte \(imageDataOffset)): \(message)" }
        return "byte \(offset): \(message)"
    }
}

extension FixedWidthInteger where Self: UnsignedInteger {
    /// "0x0a", "0x0000abcd": the value in hexadecimal, as wide as its type, for messages.
    var hexadecimal: String {
        let digits = String(self, radix: 16)
        let zeros = String(repeating: "0", count: Swift.max(0, Self.bitWidth / 4 - digits.count))
        return "0x" + zeros + digits
    }
}

/// "1 byte", "7 bytes".
func bytesCount(_ count: Int) -> String { count == 1 ? "1 byte" : "\(count) bytes" }
