/// gzip files (RFC 1952): one or more members, each a header, a deflate stream and a
/// trailer with the CRC-32 and the length (mod 2^32) of its uncompressed data.
///
/// Decoding follows `gzip -cd`: every member is decompressed and the outputs are
/// concatenated. What this decoder checks, each a thrown `DecompressionError`:
/// - the magic 1f 8b and the method 8 (deflate) (section 2.3.1); an empty input is "not a
///   gzip file";
/// - the flags: FTEXT is ignored, FEXTRA, FNAME and FCOMMENT are skipped, FHCRC's CRC-16
///   (the low 16 bits of the CRC-32 of the header before it) is checked; the reserved bits
///   5–7 are refused, as zlib and gzip refuse them;
/// - the deflate stream, as `Inflate` checks it;
/// - the trailer: CRC-32 and ISIZE against the member's output;
/// - the bytes after the last member: anything that is not another member is an error.
///   gzip ignores trailing zero bytes and warns about other trailing bytes ("decompression
///   OK, trailing garbage ignored"); here both are refused, since a file with either is
///   not what its writer meant to produce, and a reader of datasets wants to know.
///
/// MTIME, XFL, OS, the name and the comment are read past, not returned.
public enum Gzip {
    /// Whether `bytes` starts like a gzip member: 1f 8b, then method 8.
    public static func isGzip(_ bytes: some Collection<UInt8>) -> Bool {
        bytes.starts(with: [0x1F, 0x8B, 0x08])
    }

    /// The bytes that the gzip file `bytes` decompresses to: all its members, concatenated.
    ///
    /// - Parameter maximumOutputBytes: the most bytes the output may have, all members
    ///   together; more is an error thrown before they are allocated, whose `outputLimit`
    ///   is this limit. The trailer's ISIZE is only a hint for the first allocation, capped by
    ///   this limit and by 16 times the input's size.
    public static func decompress(_ bytes: some Collection<UInt8>, maximumOutputBytes: Int) throws(DecompressionError) -> [UInt8] {
        try withContiguousBytes(bytes) { decode($0, limit: maximumOutputBytes) }.get()
    }

    /// The bytes that the gzip file in `bytes` decompresses to; see the other overload.
    public static func decompress(_ bytes: UnsafeRawBufferPointer, maximumOutputBytes: Int) throws(DecompressionError) -> [UInt8] {
        try decode(bytes, limit: maximumOutputBytes).get()
    }

    // MARK: - Members

    /// Header flags (section 2.3.1).
    static let ftext: UInt8 = 0x01, fhcrc: UInt8 = 0x02, fextra: UInt8 = 0x04, fname: UInt8 = 0x08, fcomment: UInt8 = 0x10
    static let reservedFlags: UInt8 = 0xE0

    private static func decode(_ bytes: UnsafeRawBufferPointer, limit: Int) -> Result<[UInt8], DecompressionError> {
        guard !bytes.isEmpty else {
            return .failure(DecompressionError("not a gzip file: the input is empty", offset: 0))
        }
        var inflater = Inflater(input: bytes, output: OutputBuffer(expected: expectedSize(bytes), limit: limit))
        var position = 0
        var members = 0
        do throws(DecompressionError) {
            repeat {
                if members > 0 { try checkNextMember(bytes, at: position, after: members) }
                let memberOutput = inflater.output.count
                try inflater.inflateStream(at: try skipHeader(bytes, at: position))
                position = inflater.position
                guard bytes.count - position >= 8 else {
                    throw DecompressionError("the gzip trailer is truncated: \(bytes.count - position) of its 8 bytes (CRC-32, ISIZE) are there", offset: bytes.count)
                }
                let expectedCRC = littleEndian32(bytes, at: position)
                let expectedSize = littleEndian32(bytes, at: position + 4)
                var crc = CRC32()
                inflater.output.withBytes(memberOutput..<inflater.output.count) { crc.update($0) }
                guard crc.value == expectedCRC else {
                    throw DecompressionError("CRC-32 mismatch: the trailer says \(hex(expectedCRC)), the data's is \(hex(crc.value))", offset: position)
                }
                let size = UInt32(truncatingIfNeeded: inflater.output.count - memberOutput)
                guard size == expectedSize else {
                    throw DecompressionError("length mismatch: the trailer's ISIZE says \(expectedSize) bytes, the data has \(size) (mod 2^32)", offset: position + 4)
                }
                position += 8
                members += 1
            } while position < bytes.count
        } catch {
            return .failure(error)
        }
        return .success(inflater.finish())
    }

    /// The offset of the deflate data of the member whose header starts at `start`.
    private static func skipHeader(_ bytes: UnsafeRawBufferPointer, at start: Int) throws(DecompressionError) -> Int {
        let truncated = DecompressionError("the gzip header is truncated", offset: bytes.count)
        guard bytes.count - start >= 2 else { throw truncated }
        guard bytes[start] == 0x1F && bytes[start + 1] == 0x8B else {
            throw DecompressionError("not a gzip file: it starts with \(hex(bytes[start])) \(hex(bytes[start + 1])), not the gzip magic 1f 8b", offset: start)
        }
        guard bytes.count - start >= 10 else { throw truncated }
        guard bytes[start + 2] == 8 else {
            throw DecompressionError("unknown compression method \(bytes[start + 2]) (gzip has only 8, deflate)", offset: start + 2)
        }
        let flags = bytes[start + 3]
        guard flags & reservedFlags == 0 else {
            throw DecompressionError("reserved flag bits are set (flags \(hex(flags))): not a gzip header this decoder knows", offset: start + 3)
        }
        var position = start + 10
        if flags & fextra != 0 {
            guard bytes.count - position >= 2 else { throw truncated }
            let length = Int(bytes[position]) | Int(bytes[position + 1]) << 8
            guard bytes.count - position - 2 >= length else { throw truncated }
            position += 2 + length
        }
        for flag in [fname, fcomment] where flags & flag != 0 {
            guard let zero = bytes[position...].firstIndex(of: 0) else {
                throw DecompressionError("the gzip header is truncated: its \(flag == fname ? "file name" : "comment") has no terminating zero byte", offset: bytes.count)
            }
            position = zero + 1
        }
        if flags & fhcrc != 0 {
            guard bytes.count - position >= 2 else { throw truncated }
            let expected = UInt16(bytes[position]) | UInt16(bytes[position + 1]) << 8
            let actual = UInt16(truncatingIfNeeded: CRC32.checksum(bytes[start..<position]))
            guard expected == actual else {
                throw DecompressionError("header CRC mismatch: FHCRC says \(hex(expected)), the header's CRC-16 is \(hex(actual))", offset: position)
            }
            position += 2
        }
        return position
    }

    /// Refuses bytes after a member that cannot begin another one.
    private static func checkNextMember(_ bytes: UnsafeRawBufferPointer, at position: Int, after members: Int) throws(DecompressionError) {
        let rest = bytes[position...]
        if rest.starts(with: [0x1F, 0x8B]) || rest.elementsEqual([0x1F]) { return }  // a member, or its truncated start
        let count = rest.count
        let what = rest.allSatisfy { $0 == 0 } ? "\(count) zero bytes (padding, which gzip ignores)" : "\(count) bytes that are not a gzip member"
        throw DecompressionError("trailing data after gzip member \(members): \(what)", offset: position)
    }

    /// The first allocation: the last member's ISIZE, since for a file of one member (the
    /// usual case) it is the output size, but at most 16 times the input, so that a lying
    /// ISIZE costs little memory before the data proves it wrong (more output than that is
    /// rare, and then the buffer doubles as it goes).
    private static func expectedSize(_ bytes: UnsafeRawBufferPointer) -> Int {
        let guess = Inflate.expectedSize(compressed: bytes.count)
        guard bytes.count >= 18 else { return guess }
        let isize = Int(littleEndian32(bytes, at: bytes.count - 4))
        let (most, overflow) = bytes.count.multipliedReportingOverflow(by: 16)
        return overflow ? isize : min(isize, most)
    }
}

func littleEndian32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
    UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
}

/// "0x1f", "0x00001234": a value in hexadecimal, as wide as its type.
func hex<T: FixedWidthInteger & UnsignedInteger>(_ value: T) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: max(0, T.bitWidth / 4 - digits.count)) + digits
}
