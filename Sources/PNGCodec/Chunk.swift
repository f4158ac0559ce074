import Compression

/// One chunk of a PNG datastream (PNG specification, section 5.3): a 4-byte length, a
/// 4-byte type, the data, and the CRC-32 of the type and data, integers most significant
/// byte first.
///
/// `read(in:at:)` checks what section 5.3 and 5.4 require of every chunk, known or not:
/// a length of at most 2^31 − 1, a type of four ASCII letters, the data and the CRC
/// within the file, and the CRC itself (section 5.5: the CRC-32 of gzip, over the type
/// and data, not the length). A wrong CRC is refused for ancillary chunks too: a decoder
/// may drop such a chunk instead, but the file is damaged and a reader of datasets wants
/// to know.
struct Chunk {
    /// The four letters, as a big-endian word: `0x49484452` is IHDR.
    let type: UInt32
    /// Where the chunk starts in the file: the first byte of its length.
    let offset: Int
    /// Where its data is in the file.
    let data: Range<Int>

    /// The offset just past the chunk: past its CRC.
    var end: Int { data.upperBound + 4 }

    static let ihdr: UInt32 = 0x4948_4452, plte: UInt32 = 0x504C_5445, idat: UInt32 = 0x4944_4154
    static let iend: UInt32 = 0x4945_4E44, trns: UInt32 = 0x7452_4E53

    /// Critical chunks have an uppercase first letter (bit 5 of its byte clear, section
    /// 5.4): a decoder that does not know one cannot show the image.
    var isCritical: Bool { type & 0x2000_0000 == 0 }

    /// "'IHDR'", for messages.
    var name: String { Self.name(type) }

    static func name(_ type: UInt32) -> String {
        "'" + String(decoding: (0..<4).map { UInt8(truncatingIfNeeded: type >> (24 - 8 * $0)) }, as: UTF8.self) + "'"
    }

    /// The chunk that starts at `offset` in `bytes`, all of it checked; `offset` is before
    /// the end of `bytes` (the caller decides what an end without IEND means).
    static func read(in bytes: UnsafeRawBufferPointer, at offset: Int) throws(PNGError) -> Chunk {
        let available = bytes.count - offset
        guard available >= 8 else {
            throw PNGError("the file ends inside a chunk's length and type (\(available) of their 8 bytes)", offset: bytes.count)
        }
        let length = bigEndian32(bytes, at: offset)
        guard length <= 0x7FFF_FFFF else {
            throw PNGError("a chunk's length is \(length), more than 2^31 − 1, the most a PNG allows", offset: offset)
        }
        let type = bigEndian32(bytes, at: offset + 4)
        guard (0..<4).allSatisfy({ isLetter(UInt8(truncatingIfNeeded: type >> (24 - 8 * $0))) }) else {
            let shown = (0..<4).map { UInt8(truncatingIfNeeded: type >> (24 - 8 * $0)).hexadecimal }.joined(separator: " ")
            throw PNGError("the chunk type \(shown) is not four ASCII letters", offset: offset + 4)
        }
        let dataStart = offset + 8
        guard Int(length) + 4 <= available - 8 else {
            throw PNGError("the \(name(type)) chunk is truncated: its \(bytesCount(Int(length))) of data and 4 of CRC-32 need \(Int(length) + 4), the file has \(available - 8) after its type",
                           offset: bytes.count)
        }
        let chunk = Chunk(type: type, offset: offset, data: dataStart..<dataStart + Int(length))
        let stored = bigEndian32(bytes, at: chunk.data.upperBound)
        var crc = CRC32()
        crc.update(UnsafeRawBufferPointer(rebasing: bytes[offset + 4..<chunk.data.upperBound]))
        guard crc.value == stored else {
            throw PNGError("the \(chunk.name) chunk's CRC-32 is \(stored.hexadecimal), its type and data's is \(crc.value.hexadecimal)",
                           offset: chunk.data.upperBound)
        }
        return chunk
    }
}

/// The 4-byte big-endian integer at `offset` (section 7.1: network byte order).
func bigEndian32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
    UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
}

/// A–Z or a–z: the only bytes of a chunk type (section 5.4).
private func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
