/// The header of a dynamic-Huffman block (RFC 1951, section 3.2.7): the code lengths of the
/// literal/length and distance codes, run-length coded, themselves Huffman-coded by the
/// code length code, whose lengths are sent first, three bits each.
///
/// The literal/length lengths (HLIT of them, at least 257) and the distance lengths (HDIST,
/// at least 1) are one sequence, as the section says, so a run may cross from one to the
/// other (zlib's `send_tree` codes the two apart). Runs are coded greedily:
/// a zero run of 11–138 as symbol 18 (7 extra bits), 3–10 as 17 (3 extra bits); a run of
/// another length as the length once, then 16 (repeat the previous 3–6 times, 2 extra bits)
/// as often as needed; shorter remainders as plain lengths. The code length code is limited
/// to 7 bits, and only as many of its lengths are sent (HCLEN ≥ 4) as the order 16, 17, 18,
/// 0, 8, 7, … needs to reach the last one that is not zero.
struct DynamicBlockHeader {
    /// One code length symbol: 0–15 a length, 16–18 a repeat with its extra bits.
    struct Item {
        let symbol: Int
        let extra: UInt32
        let extraBits: Int
    }

    let literalCount: Int
    let distanceCount: Int
    let items: [Item]
    let codeLengthCode: HuffmanCode
    /// How many of the code length code's lengths are sent, in `codeLengthOrder`.
    let codeLengthCount: Int

    /// The order in which the code length code's lengths are sent.
    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// - Parameters:
    ///   - literalLengths: 286 code lengths (symbols 286 and 287 are never sent).
    ///   - distanceLengths: 30 code lengths.
    init(literalLengths: [UInt8], distanceLengths: [UInt8]) {
        literalCount = max(257, (literalLengths.lastIndex { $0 != 0 } ?? 0) + 1)
        distanceCount = max(1, (distanceLengths.lastIndex { $0 != 0 } ?? 0) + 1)
        let lengths = Array(literalLengths[0..<literalCount] + distanceLengths[0..<distanceCount])

        var items: [Item] = []
        var i = 0
        while i < lengths.count {
            let value = lengths[i]
            var run = 1
            while i + run < lengths.count && lengths[i + run] == value { run += 1 }
            i += run
            if value == 0 {
                while run >= 11 {
                    let n = min(run, 138)
                    items.append(Item(symbol: 18, extra: UInt32(n - 11), extraBits: 7))
                    run -= n
                }
                if run >= 3 {
                    items.append(Item(symbol: 17, extra: UInt32(run - 3), extraBits: 3))
                    run = 0
                }
            } else {
                items.append(Item(symbol: Int(value), extra: 0, extraBits: 0))
                run -= 1
                while run >= 3 {
                    let n = min(run, 6)
                    items.append(Item(symbol: 16, extra: UInt32(n - 3), extraBits: 2))
                    run -= n
                }
            }
            for _ in 0..<run { items.append(Item(symbol: Int(value), extra: 0, extraBits: 0)) }
        }
        self.items = items

        var frequencies = [UInt32](repeating: 0, count: 19)
        for item in items { frequencies[item.symbol] += 1 }
        codeLengthCode = HuffmanCode(frequencies: frequencies, limit: 7)
        var sent = 19
        while sent > 4 && codeLengthCode.lengths[Self.codeLengthOrder[sent - 1]] == 0 { sent -= 1 }
        codeLengthCount = sent
    }

    /// The header's size in bits, after the three bits of BFINAL and BTYPE.
    var bitCount: Int {
        5 + 5 + 4 + 3 * codeLengthCount + items.reduce(0) { $0 + Int(codeLengthCode.lengths[$1.symbol]) + $1.extraBits }
    }

    /// Writes HLIT, HDIST, HCLEN, the code length code's lengths and the coded lengths.
    func write(to writer: inout BitWriter) {
        writer.put(UInt32(literalCount - 257), 5)
        writer.put(UInt32(distanceCount - 1), 5)
        writer.put(UInt32(codeLengthCount - 4), 4)
        for symbol in Self.codeLengthOrder[0..<codeLengthCount] { writer.put(UInt32(codeLengthCode.lengths[symbol]), 3) }
        for item in items {
            writer.put(UInt32(codeLengthCode.codes[item.symbol]), Int(codeLengthCode.lengths[item.symbol]))
            if item.extraBits > 0 { writer.put(item.extra, item.extraBits) }
        }
    }
}
