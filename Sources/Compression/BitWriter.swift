/// The compressed stream as it is written: values packed into bytes least significant bit
/// first (RFC 1951, section 3.1.1), so a value of `n` bits put after `k` pending bits lands
/// in bits `k ..< k + n` of the stream. Huffman codes, which deflate sends most significant
/// bit first, are put already bit-reversed (`HuffmanCode` stores them so).
///
/// Fewer than 8 bits wait between calls, in a `UInt64`. Each `put` adds its bits to them
/// and stores all eight bytes of the `UInt64` at the end of the output with one unaligned
/// store, then counts the whole bytes among them as written and keeps the rest (as
/// libdeflate's bit writer does): no branch depends on the data, so none is mispredicted.
/// The store is preceded by a capacity check, so no caller can write past the buffer; the
/// bytes past the count are scratch until they are counted. The bytes are an
/// `OutputBuffer` without a limit.
struct BitWriter: ~Copyable {
    private(set) var output: OutputBuffer
    private var pending: UInt64 = 0
    /// Bits in `pending`: under 8 between calls.
    private var pendingCount = 0

    /// An empty stream with room for about `expected` bytes before it first grows.
    init(expected: Int) {
        output = OutputBuffer(expected: expected, limit: Int.max)
    }

    /// Bits written so far, pending ones included.
    var bitCount: Int { output.count * 8 + pendingCount }

    /// Appends the low `count` bits of `value`, first bit lowest.
    ///
    /// - Precondition: `count <= 32` and `value < 1 << count` (not checked in release builds:
    ///   a wider value would corrupt the stream, not memory).
    @inline(__always)
    mutating func put(_ value: UInt32, _ count: Int) {
        assert(count <= 32 && UInt64(value) >> UInt64(count) == 0, "BitWriter: \(value) does not fit in \(count) bits")
        pending |= UInt64(value) &<< UInt64(pendingCount)
        pendingCount &+= count  // At most 7 + 32 = 39, so at most 4 whole bytes.
        if output.count &+ 8 > output.capacity { grow(8) }
        UnsafeMutableRawPointer(output.base + output.count).storeBytes(of: pending.littleEndian, as: UInt64.self)
        let whole = pendingCount &>> 3
        output.count &+= whole
        pending &>>= UInt64(whole &<< 3)
        pendingCount &= 7
    }

    /// Pads with zero bits to the next byte boundary and writes out the pending whole bytes,
    /// as a stored block (section 3.2.4) and the end of the stream need.
    mutating func alignToByte() {
        pendingCount = (pendingCount + 7) & ~7
        while pendingCount > 0 {
            if output.count + 1 > output.capacity { grow(1) }
            output.base[output.count] = UInt8(truncatingIfNeeded: pending)
            output.count += 1
            pending >>= 8
            pendingCount -= 8
        }
    }

    /// Appends whole bytes, at a byte boundary (after `alignToByte`).
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        precondition(pendingCount == 0, "BitWriter: bytes appended between byte boundaries")
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if output.count + bytes.count > output.capacity { grow(bytes.count) }
        UnsafeMutableRawPointer(output.base + output.count).copyMemory(from: source, byteCount: bytes.count)
        output.count += bytes.count
    }

    /// Appends whole bytes, at a byte boundary.
    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// Makes room for `more` bytes (the output has no limit, so this cannot fail).
    @inline(never)
    private mutating func grow(_ more: Int) {
        let reserved = output.reserve(output.count + more)
        precondition(reserved, "BitWriter: the output cannot grow")
    }

    /// The stream, padded to a whole byte.
    consuming func finish() -> [UInt8] {
        alignToByte()
        return output.array()
    }
}
