/// zlib streams (RFC 1950), as in PNG's IDAT chunks: a two-byte header, a deflate stream,
/// and the Adler-32 of the uncompressed data, big-endian.
///
/// Written as zlib's `compress2` writes them: CMF 0x78 (method 8, a 32 KiB window), FLG with
/// the level's FLEVEL and the check bits, no dictionary; so level 6 starts 78 9C, as zlib's
/// default does. Checked on reading, as zlib's `inflate` checks them: the header's check bits ((CMF·256 + FLG) is a
/// multiple of 31), the method (CM = 8), the window size (CINFO ≤ 7, a window of at most
/// 32 KiB), no preset dictionary (FDICT: refused, since the dictionary is not in the
/// stream), the deflate data, and the Adler-32. Bytes after the checksum are an error.
public enum Zlib {
    /// The bytes that the zlib stream `bytes` decompresses to.
    ///
    /// - Parameter maximumOutputBytes: the most bytes the output may have; more is an
    ///   error thrown before they are allocated.
    public static func decompress(_ bytes: some Collection<UInt8>, maximumOutputBytes: Int) throws(DecompressionError) -> [UInt8] {
        try withContiguousBytes(bytes) { decode($0, limit: maximumOutputBytes) }.get()
    }

    /// The bytes that the zlib stream in `bytes` decompresses to; see the other overload.
    public static func decompress(_ bytes: UnsafeRawBufferPointer, maximumOutputBytes: Int) throws(DecompressionError) -> [UInt8] {
        try decode(bytes, limit: maximumOutputBytes).get()
    }

    /// The zlib stream of `bytes`: header, raw deflate at `level` with `strategy` (see
    /// `Deflate`), Adler-32.
    public static func compress(_ bytes: some Collection<UInt8>, level: CompressionLevel = .default,
                                strategy: CompressionStrategy = .default) -> [UInt8] {
        withContiguousBytes(bytes) { compress($0, level: level, strategy: strategy) }
    }

    /// The zlib stream of the bytes in `bytes`; see the other overload.
    public static func compress(_ bytes: UnsafeRawBufferPointer, level: CompressionLevel = .default,
                                strategy: CompressionStrategy = .default) -> [UInt8] {
        var deflater = Deflater(input: bytes, level: level, strategy: strategy)
        deflater.writer.append(header(level: level))
        deflater.deflate()
        deflater.writer.alignToByte()
        var adler = Adler32()
        adler.update(bytes)
        let check = adler.value
        deflater.writer.append([UInt8(check >> 24), UInt8(check >> 16 & 0xFF), UInt8(check >> 8 & 0xFF), UInt8(check & 0xFF)])
        return deflater.finish()
    }

    /// CMF and FLG (RFC 1950, section 2.2): CM 8, CINFO 7, FLEVEL from the level, FDICT 0,
    /// and FCHECK making CMF · 256 + FLG a multiple of 31.
    static func header(level: CompressionLevel) -> [UInt8] {
        let cmf: UInt8 = 0x78
        let flg = level.zlibFLevel << 6
        let check = 31 - (UInt16(cmf) << 8 | UInt16(flg)) % 31
        return [cmf, flg | UInt8(check % 31)]
    }

    private static func decode(_ bytes: UnsafeRawBufferPointer, limit: Int) -> Result<[UInt8], DecompressionError> {
        guard bytes.count >= 2 else {
            return .failure(DecompressionError("the zlib header is truncated", offset: bytes.count))
        }
        let cmf = bytes[0], flg = bytes[1]
        guard (UInt16(cmf) << 8 | UInt16(flg)) % 31 == 0 else {
            return .failure(DecompressionError("incorrect header check: \(hex(cmf)) \(hex(flg)) is not a multiple of 31", offset: 0))
        }
        guard cmf & 0x0F == 8 else {
            return .failure(DecompressionError("unknown compression method \(cmf & 0x0F) (zlib has only 8, deflate)", offset: 0))
        }
        guard cmf >> 4 <= 7 else {
            return .failure(DecompressionError("invalid window size: CINFO \(cmf >> 4) (at most 7, a 32 KiB window)", offset: 0))
        }
        guard flg & 0x20 == 0 else {
            return .failure(DecompressionError("the stream needs a preset dictionary (FDICT), which is not supported", offset: 1))
        }
        var inflater = Inflater(input: bytes, output: OutputBuffer(expected: Inflate.expectedSize(compressed: bytes.count), limit: limit))
        do {
            try inflater.inflateStream(at: 2)
        } catch {
            return .failure(error)
        }
        let position = inflater.position
        guard bytes.count - position >= 4 else {
            return .failure(DecompressionError("the zlib trailer is truncated: \(bytes.count - position) of its 4 bytes (Adler-32) are there", offset: bytes.count))
        }
        let expected = UInt32(bytes[position]) << 24 | UInt32(bytes[position + 1]) << 16 | UInt32(bytes[position + 2]) << 8 | UInt32(bytes[position + 3])
        var adler = Adler32()
        inflater.output.withBytes(0..<inflater.output.count) { adler.update($0) }
        guard adler.value == expected else {
            return .failure(DecompressionError("incorrect data check: the trailer's Adler-32 is \(hex(expected)), the data's is \(hex(adler.value))", offset: position))
        }
        guard position + 4 == bytes.count else {
            return .failure(DecompressionError("\(bytes.count - position - 4) bytes after the end of the zlib stream", offset: position + 4))
        }
        return .success(inflater.finish())
    }
}
