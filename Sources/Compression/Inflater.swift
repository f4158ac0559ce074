/// The DEFLATE decoder (RFC 1951): reads blocks from a byte buffer and appends what they
/// decode to an `OutputBuffer`. Used by `Inflate` (raw), `Gzip` and `Zlib`, which add the
/// framing around one or more streams.
///
/// The bit reader keeps up to 63 unread bits in a `UInt64`, least significant bit first
/// (section 3.1.1). `position` is the next input byte not yet in the buffer, so the bit
/// being read is `position * 8 - bitCount` into the input. Bits above `bitCount` are either
/// zero or the true next bits of the input (the fast refill loads 8 bytes and counts only
/// the whole bytes that fit), so a table lookup may peek past `bitCount`; only consuming
/// past it is an error, "truncated".
///
/// The whole output is kept, so it is also the window: a distance may reach back to the
/// start of the current stream (`streamStart`), which for deflate means up to 32768 bytes
/// (distance code 29 with 13 extra bits, section 3.2.5), never before it.
struct Inflater: ~Copyable {
    let input: UnsafeRawBufferPointer
    var position: Int
    var bitBuffer: UInt64 = 0
    var bitCount = 0
    var output: OutputBuffer
    /// Where the current stream's output starts: no distance may reach before it.
    var streamStart = 0

    private var literalLengths = HuffmanTable(.literalLength)
    private var distances = HuffmanTable(.distance)
    private var codeLengths = HuffmanTable(.codeLengths)
    /// The literal/length and distance tables hold the fixed codes (section 3.2.6), built once.
    private var tablesAreFixed = false

    init(input: UnsafeRawBufferPointer, output: consuming OutputBuffer) {
        self.input = input
        self.position = 0
        self.output = output
    }

    /// Decodes one deflate stream that starts at byte `start`, appending its output. On
    /// return `position` is the byte after the stream's last byte (the rest of that byte's
    /// bits are padding, section 3.2.3).
    mutating func inflateStream(at start: Int) throws(DecompressionError) {
        position = start
        bitBuffer = 0
        bitCount = 0
        streamStart = output.count
        var final = false
        while !final {
            let header = bitOffset >> 3
            final = try take(1) == 1
            switch try take(2) {
            case 0: try copyStoredBlock()
            case 1:
                if !tablesAreFixed {
                    _ = literalLengths.build(HuffmanTable.fixedLiteralLengths[...])
                    _ = distances.build(HuffmanTable.fixedDistances[...])
                    tablesAreFixed = true
                }
                try decodeHuffmanBlock()
            case 2:
                try readDynamicTables(header: header)
                try decodeHuffmanBlock()
            default:
                throw DecompressionError("invalid block type 3 (0 stored, 1 fixed, 2 dynamic Huffman)", offset: header)
            }
        }
        position -= bitCount >> 3
        bitBuffer = 0
        bitCount = 0
    }

    /// Everything decoded so far.
    consuming func finish() -> [UInt8] { output.array() }

    // MARK: - Bits

    /// The offset in bits of the next unread bit of the input.
    var bitOffset: Int { position * 8 - bitCount }

    /// Loads whole bytes until the buffer holds at least 56 bits or the input ends.
    private mutating func refill() {
        while bitCount <= 55 && position < input.count {
            bitBuffer |= UInt64(input[position]) << bitCount
            position += 1
            bitCount += 8
        }
    }

    /// The next `count` bits (at most 32), first bit lowest.
    private mutating func take(_ count: Int) throws(DecompressionError) -> Int {
        if bitCount < count {
            refill()
            if bitCount < count { throw truncated() }
        }
        let value = Int(truncatingIfNeeded: bitBuffer & (1 << UInt64(count) - 1))
        bitBuffer >>= UInt64(count)
        bitCount -= count
        return value
    }

    @inline(never)
    private func truncated() -> DecompressionError {
        DecompressionError("unexpected end of data: the deflate stream is truncated", offset: input.count)
    }

    @inline(never)
    private func outputLimitExceeded(at bit: Int) -> DecompressionError {
        DecompressionError("the decompressed data is larger than the limit of \(output.limit) bytes (maximumOutputBytes)",
                           offset: bit >> 3, outputLimit: output.limit)
    }

    // MARK: - Stored blocks (section 3.2.4)

    /// Skips to a byte boundary, checks LEN against NLEN, copies LEN bytes.
    private mutating func copyStoredBlock() throws(DecompressionError) {
        bitBuffer >>= UInt64(bitCount & 7)
        position -= bitCount >> 3  // the whole bytes still buffered are read again directly
        bitBuffer = 0
        bitCount = 0
        guard input.count - position >= 4 else { throw truncated() }
        let length = Int(input[position]) | Int(input[position + 1]) << 8
        let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
        guard length == ~complement & 0xFFFF else {
            throw DecompressionError("invalid stored block lengths: LEN \(length) and NLEN \(complement) are not complements", offset: position)
        }
        position += 4
        guard input.count - position >= length else { throw truncated() }
        guard output.reserve(output.count + length) else { throw outputLimitExceeded(at: position * 8) }
        if length > 0 {
            (output.base + output.count).initialize(from: input.baseAddress!.assumingMemoryBound(to: UInt8.self) + position, count: length)
        }
        output.count += length
        position += length
    }

    // MARK: - Dynamic Huffman block header (section 3.2.7)

    /// The order in which the code length code's lengths are sent.
    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// Reads HLIT, HDIST, HCLEN, the code length code and the code lengths, and builds the
    /// literal/length and distance tables; `header` is the block's first byte, for errors.
    private mutating func readDynamicTables(header: Int) throws(DecompressionError) {
        let literalCount = try take(5) + 257
        let distanceCount = try take(5) + 1
        let codeLengthCount = try take(4) + 4
        guard literalCount <= 286 else {
            throw DecompressionError("too many length or distance symbols: \(literalCount) literal/length codes (at most 286)", offset: header)
        }
        guard distanceCount <= 30 else {
            throw DecompressionError("too many length or distance symbols: \(distanceCount) distance codes (at most 30)", offset: header)
        }
        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        for i in 0..<codeLengthCount { codeLengthLengths[Self.codeLengthOrder[i]] = UInt8(try take(3)) }
        if let defect = codeLengths.build(codeLengthLengths[...]) {
            throw DecompressionError("invalid code lengths set: the code length code is \(defect)", offset: header)
        }

        let total = literalCount + distanceCount
        var lengths = [UInt8](repeating: 0, count: total)
        var i = 0
        while i < total {
            let start = bitOffset >> 3
            if bitCount < 7 { refill() }
            let entry = codeLengths.entries[Int(truncatingIfNeeded: bitBuffer & 0x7F)]
            let length = Int(entry & 0xFF)
            guard length <= bitCount else { throw truncated() }
            bitBuffer >>= UInt64(length)
            bitCount -= length
            let symbol = Int(entry >> 16)
            if symbol < 16 {
                lengths[i] = UInt8(symbol)
                i += 1
                continue
            }
            let value: UInt8
            let repeats: Int
            switch symbol {
            case 16:
                guard i > 0 else {
                    throw DecompressionError("invalid bit length repeat: code 16 (repeat the previous length) comes first", offset: start)
                }
                value = lengths[i - 1]
                repeats = 3 + (try take(2))
            case 17: (value, repeats) = (0, 3 + (try take(3)))
            default: (value, repeats) = (0, 11 + (try take(7)))
            }
            guard repeats <= total - i else {
                throw DecompressionError("invalid bit length repeat: at length \(i) of \(total), a repeat of \(repeats) goes past the end", offset: start)
            }
            for j in i..<(i + repeats) { lengths[j] = value }
            i += repeats
        }

        guard lengths[256] != 0 else {
            throw DecompressionError("invalid code -- missing end-of-block: symbol 256 has no code", offset: header)
        }
        tablesAreFixed = false
        if let defect = literalLengths.build(lengths[0..<literalCount]) {
            throw DecompressionError("invalid literal/lengths set: the literal/length code is \(defect)", offset: header)
        }
        if let defect = distances.build(lengths[literalCount...]) {
            throw DecompressionError("invalid distances set: the distance code is \(defect)", offset: header)
        }
    }

    // MARK: - Huffman-coded block data (section 3.2.5)

    /// Decodes literals and length/distance pairs up to the end-of-block code, with the
    /// tables in place. The hot loop: state in locals, one refill per symbol (a literal/
    /// length code, its extra bits, a distance code and its extra bits are at most
    /// 15 + 5 + 15 + 13 = 48 bits, and a fast refill leaves at least 56).
    private mutating func decodeHuffmanBlock() throws(DecompressionError) {
        guard let bytes = input.baseAddress else { throw truncated() }
        let end = input.count
        let literalTable = literalLengths.entries
        let distanceTable = distances.entries
        let literalRoot = UInt64(literalLengths.rootBits)
        let literalMask: UInt64 = 1 << literalRoot - 1
        let distanceRoot = UInt64(distances.rootBits)
        let distanceMask: UInt64 = 1 << distanceRoot - 1
        let start = streamStart

        var position = self.position
        var bits = bitBuffer
        var count = bitCount
        var out = output.base
        var n = output.count
        var capacity = output.capacity
        defer {
            self.position = position
            bitBuffer = bits
            bitCount = count
            output.count = n
        }

        while true {
            if end &- position >= 8 {
                bits |= UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)) &<< UInt64(count)
                position &+= (63 &- count) &>> 3
                count |= 56
            } else {
                while count <= 55 && position < end {
                    bits |= UInt64(bytes.load(fromByteOffset: position, as: UInt8.self)) &<< UInt64(count)
                    position &+= 1
                    count &+= 8
                }
            }
            let symbolStart = position &* 8 &- count

            var entry = literalTable[Int(truncatingIfNeeded: bits & literalMask)]
            if entry & 0x4000 != 0 {
                let subMask: UInt64 = 1 &<< UInt64((entry >> 8) & 0xF) &- 1
                entry = literalTable[Int(entry >> 16) &+ Int(truncatingIfNeeded: (bits &>> literalRoot) & subMask)]
            }
            var length = Int(entry & 0xFF)
            guard length <= count else { throw truncated() }
            bits &>>= UInt64(length)
            count &-= length
            let op = (entry >> 8) & 0xFF

            if op == 0 {  // a literal
                if n >= capacity {
                    output.count = n
                    guard output.reserve(n + 1) else { throw outputLimitExceeded(at: symbolStart) }
                    (out, capacity) = (output.base, output.capacity)
                }
                out[n] = UInt8(truncatingIfNeeded: entry >> 16)
                n &+= 1
                continue
            }
            guard op & 0x10 != 0 else {
                if op == 0x20 { return }  // end of block
                throw DecompressionError("invalid literal/length code", offset: symbolStart >> 3)
            }

            var extra = Int(op & 0xF)
            guard extra <= count else { throw truncated() }
            let matchLength = Int(entry >> 16) &+ Int(truncatingIfNeeded: bits & (1 &<< UInt64(extra) &- 1))
            bits &>>= UInt64(extra)
            count &-= extra

            entry = distanceTable[Int(truncatingIfNeeded: bits & distanceMask)]
            if entry & 0x4000 != 0 {
                let subMask: UInt64 = 1 &<< UInt64((entry >> 8) & 0xF) &- 1
                entry = distanceTable[Int(entry >> 16) &+ Int(truncatingIfNeeded: (bits &>> distanceRoot) & subMask)]
            }
            length = Int(entry & 0xFF)
            guard length <= count else { throw truncated() }
            bits &>>= UInt64(length)
            count &-= length
            guard (entry >> 8) & 0x10 != 0 else {
                throw DecompressionError("invalid distance code", offset: symbolStart >> 3)
            }
            extra = Int((entry >> 8) & 0xF)
            guard extra <= count else { throw truncated() }
            let distance = Int(entry >> 16) &+ Int(truncatingIfNeeded: bits & (1 &<< UInt64(extra) &- 1))
            bits &>>= UInt64(extra)
            count &-= extra

            guard distance <= n &- start else {
                throw DecompressionError("invalid distance \(distance) too far back (output so far: \(n - start))", offset: symbolStart >> 3)
            }
            if matchLength > capacity &- n {
                output.count = n
                guard output.reserve(n + matchLength) else { throw outputLimitExceeded(at: symbolStart) }
                (out, capacity) = (output.base, output.capacity)
            }
            let target = out + n
            let source = target - distance
            if distance >= 8 {
                // 8 bytes at a time: each read is of bytes already written (distance ≥ 8);
                // the last write may run up to 7 bytes past the match, into the slack.
                var i = 0
                repeat {
                    UnsafeMutableRawPointer(target + i).storeBytes(
                        of: UnsafeRawPointer(source + i).loadUnaligned(as: UInt64.self), as: UInt64.self)
                    i &+= 8
                } while i < matchLength
            } else if distance == 1 {
                target.update(repeating: source.pointee, count: matchLength)
            } else {
                for i in 0..<matchLength { target[i] = source[i] }
            }
            n &+= matchLength
        }
    }
}
