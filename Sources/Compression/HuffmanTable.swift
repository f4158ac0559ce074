/// A decoding table for one canonical Huffman code of deflate (RFC 1951, section 3.2.2):
/// built from the code length of each symbol, it turns the next bits of the stream into a
/// symbol with one lookup for codes up to `rootBits` long, two for longer ones.
///
/// Deflate sends Huffman codes least significant bit first, so a code is looked up by its
/// bit-reversed value. The root table has `2^rootBits` entries, indexed by the next
/// `rootBits` bits: a code of length `l ≤ rootBits` fills every entry whose low `l` bits
/// are its reversed code. Longer codes sharing the same low `rootBits` bits share a
/// subtable, indexed by the bits after those, as large as the longest of them needs (the
/// scheme of zlib's `inflate_table`, with one level of subtables).
///
/// Each entry is a `UInt32`:
///
/// | bits  | meaning                                                            |
/// |-------|--------------------------------------------------------------------|
/// | 0–7   | the code's length in bits, root bits included (what to consume)   |
/// | 8–15  | the operation: `0x00` literal, `0x10 | e` base with `e` extra bits, |
/// |       | `0x20` end of block, `0x40 | s` subtable of `2^s` entries,         |
/// |       | `0x80` invalid code                                                |
/// | 16–31 | the value: literal byte, length or distance base, subtable offset  |
///
/// Invariants: every entry of the root table and of each subtable is written by `build`
/// (holes of an incomplete code are invalid entries of length 1, as in zlib), and subtable
/// offsets stay below `capacity`: there are at most as many subtables as symbols, each of
/// at most `2^(15 − rootBits)` entries. The entries are owned memory: `~Copyable`, internal.
struct HuffmanTable: ~Copyable {
    /// Which alphabet the table decodes, which decides what each symbol's entry says.
    enum Alphabet {
        /// The code length code of a dynamic block header (section 3.2.7): symbols 0–18.
        case codeLengths
        /// Literals 0–255, end of block 256, lengths 257–285 (286, 287: invalid).
        case literalLength
        /// Distances 0–29 (30, 31: invalid).
        case distance
    }

    /// Why a set of code lengths makes no usable code.
    enum Defect: CustomStringConvertible {
        /// More codes than the lengths can hold: Kraft sum over 1.
        case overSubscribed
        /// Codes left unused: Kraft sum under 1 (allowed only for a single code of length 1,
        /// or no code at all, in the literal/length and distance alphabets, as zlib allows).
        case incomplete

        var description: String { self == .overSubscribed ? "over-subscribed" : "incomplete" }
    }

    let alphabet: Alphabet
    let rootBits: Int
    let entries: UnsafeMutablePointer<UInt32>
    let capacity: Int

    init(_ alphabet: Alphabet) {
        self.alphabet = alphabet
        let symbols: Int
        switch alphabet {
        case .codeLengths: (rootBits, symbols) = (7, 19)
        case .literalLength: (rootBits, symbols) = (10, 288)
        case .distance: (rootBits, symbols) = (8, 32)
        }
        capacity = (1 << rootBits) + (rootBits < 15 ? symbols << (15 - rootBits) : 0)
        entries = .allocate(capacity: capacity)
        entries.initialize(repeating: Self.invalid(length: 1), count: capacity)
    }

    deinit { entries.deallocate() }

    /// Fills the table for the code whose symbol `s` has length `lengths[s]` (0: unused;
    /// at most 15), or says why the lengths make no code; the table is then unusable.
    mutating func build(_ lengths: ArraySlice<UInt8>) -> Defect? {
        var counts = [Int](repeating: 0, count: 16)
        for length in lengths { counts[Int(length)] += 1 }
        counts[0] = 0
        var maxLength = 15
        while maxLength > 0 && counts[maxLength] == 0 { maxLength -= 1 }

        let rootSize = 1 << rootBits
        entries.update(repeating: Self.invalid(length: 1), count: rootSize)
        if maxLength == 0 { return alphabet == .codeLengths ? .incomplete : nil }

        // Kraft's inequality, counted in codes left: each length doubles what is left.
        var left = 1
        for length in 1...15 {
            left = left << 1 - counts[length]
            if left < 0 { return .overSubscribed }
        }
        if left > 0 && (alphabet == .codeLengths || maxLength != 1) { return .incomplete }

        // The first code of each length (section 3.2.2, step 2).
        var next = [Int](repeating: 0, count: 16)
        var code = 0
        for length in 1...15 {
            code = (code + counts[length - 1]) << 1
            next[length] = code
        }

        // Short codes go in the root table; for long ones, note the subtable size needed.
        var reversed = [Int](repeating: 0, count: lengths.count)
        var subtableBits = maxLength > rootBits ? [Int](repeating: 0, count: rootSize) : []
        for (symbol, length) in zip(0..<lengths.count, lengths) where length > 0 {
            let length = Int(length)
            let r = Self.reverse(next[length], length)
            next[length] += 1
            reversed[symbol] = r
            if length <= rootBits {
                let entry = self.entry(symbol, length)
                var index = r
                while index < rootSize {
                    entries[index] = entry
                    index += 1 << length
                }
            } else {
                let prefix = r & (rootSize - 1)
                subtableBits[prefix] = max(subtableBits[prefix], length - rootBits)
            }
        }
        guard maxLength > rootBits else { return nil }

        var subtableOffset = [Int](repeating: 0, count: rootSize)
        var offset = rootSize
        for prefix in 0..<rootSize where subtableBits[prefix] > 0 {
            let bits = subtableBits[prefix]
            precondition(offset + (1 << bits) <= capacity, "HuffmanTable: subtables overflow")
            subtableOffset[prefix] = offset
            entries[prefix] = UInt32(offset) << 16 | UInt32(0x40 | bits) << 8 | UInt32(rootBits)
            (entries + offset).update(repeating: Self.invalid(length: 1), count: 1 << bits)
            offset += 1 << bits
        }
        for (symbol, length) in zip(0..<lengths.count, lengths) where length > rootBits {
            let length = Int(length)
            let prefix = reversed[symbol] & (rootSize - 1)
            let size = 1 << subtableBits[prefix]
            let entry = self.entry(symbol, length)
            var index = reversed[symbol] >> rootBits
            while index < size {
                entries[subtableOffset[prefix] + index] = entry
                index += 1 << (length - rootBits)
            }
        }
        return nil
    }

    /// The entry for `symbol`, whose code is `length` bits long.
    private func entry(_ symbol: Int, _ length: Int) -> UInt32 {
        switch alphabet {
        case .codeLengths:
            return UInt32(symbol) << 16 | UInt32(length)
        case .literalLength:
            if symbol < 256 { return UInt32(symbol) << 16 | UInt32(length) }
            if symbol == 256 { return 0x20 << 8 | UInt32(length) }
            if symbol < 286 {
                let (base, extra) = Self.lengths[symbol - 257]
                return UInt32(base) << 16 | UInt32(0x10 | extra) << 8 | UInt32(length)
            }
            return Self.invalid(length: length)
        case .distance:
            if symbol < 30 {
                let (base, extra) = Self.distances[symbol]
                return UInt32(base) << 16 | UInt32(0x10 | extra) << 8 | UInt32(length)
            }
            return Self.invalid(length: length)
        }
    }

    static func invalid(length: Int) -> UInt32 { 0x80 << 8 | UInt32(length) }

    /// The low `length` bits of `code`, in reverse order.
    static func reverse(_ code: Int, _ length: Int) -> Int {
        var code = code, result = 0
        for _ in 0..<length {
            result = result << 1 | code & 1
            code >>= 1
        }
        return result
    }

    /// Length symbols 257–285: the base length and the number of extra bits (section 3.2.5).
    static let lengths: [(base: Int, extra: Int)] = [
        (3, 0), (4, 0), (5, 0), (6, 0), (7, 0), (8, 0), (9, 0), (10, 0), (11, 1), (13, 1),
        (15, 1), (17, 1), (19, 2), (23, 2), (27, 2), (31, 2), (35, 3), (43, 3), (51, 3), (59, 3),
        (67, 4), (83, 4), (99, 4), (115, 4), (131, 5), (163, 5), (195, 5), (227, 5), (258, 0),
    ]

    /// Distance symbols 0–29: the base distance and the number of extra bits (section 3.2.5).
    static let distances: [(base: Int, extra: Int)] = [
        (1, 0), (2, 0), (3, 0), (4, 0), (5, 1), (7, 1), (9, 2), (13, 2), (17, 3), (25, 3),
        (33, 4), (49, 4), (65, 5), (97, 5), (129, 6), (193, 6), (257, 7), (385, 7), (513, 8), (769, 8),
        (1025, 9), (1537, 9), (2049, 10), (3073, 10), (4097, 11), (6145, 11), (8193, 12), (12289, 12),
        (16385, 13), (24577, 13),
    ]

    /// The code lengths of the fixed Huffman codes (section 3.2.6).
    static let fixedLiteralLengths: [UInt8] =
        [UInt8](repeating: 8, count: 144) + [UInt8](repeating: 9, count: 112)
        + [UInt8](repeating: 7, count: 24) + [UInt8](repeating: 8, count: 8)
    static let fixedDistances = [UInt8](repeating: 5, count: 32)
}
