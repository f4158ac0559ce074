/// Blocks (RFC 1951, section 3.2.3): each full `SymbolBuffer` becomes one block, of
/// whichever of the three kinds is smallest for it, its size counted exactly in bits
/// before anything is written:
/// - **dynamic Huffman** (section 3.2.7): length-limited optimal codes for this block's
///   literal/length and distance frequencies (`HuffmanCode`), sent in the block's header
///   (`DynamicBlockHeader`);
/// - **fixed Huffman** (section 3.2.6): the codes every decoder knows, no header; smaller
///   for short blocks, where a header of 60 bytes or so would outweigh better codes;
/// - **stored** (section 3.2.4): the block's input bytes as they are, in pieces of at most
///   65,535 with LEN and NLEN, for data that the codes cannot shrink (noise, compressed
///   data): it grows by 5 bytes a block (a block of noise is about 16 KiB: 0.03%).
///
/// On a tie, fixed beats dynamic (nothing to decode first) and stored beats both.
extension Deflater {
    /// The kind of a block (its BTYPE, section 3.2.3).
    enum BlockKind: Equatable {
        case stored, fixed, dynamic
    }

    /// One block as written: its kind, how much input it holds, how many symbols and bits.
    struct BlockSummary: Equatable {
        let kind: BlockKind
        let inputBytes: Int
        let symbols: Int
        let bits: Int
    }

    static let fixedLiteralCode = HuffmanCode(lengths: HuffmanTable.fixedLiteralLengths)
    static let fixedDistanceCode = HuffmanCode(lengths: HuffmanTable.fixedDistances)

    /// Writes the symbols collected as one block, the last if `final`, and empties the buffer.
    mutating func writeBlock(final: Bool) {
        let bytes = UnsafeRawBufferPointer(rebasing: input[blockStart..<(blockStart + symbols.byteCount)])
        var literalFrequencies = Array(UnsafeBufferPointer(start: symbols.literalLengthFrequencies, count: 286))
        literalFrequencies[256] = 1  // the end of block
        let distanceFrequencies = Array(UnsafeBufferPointer(start: symbols.distanceFrequencies, count: 30))
        var extraBits = 0
        for (i, length) in HuffmanTable.lengths.enumerated() { extraBits += Int(literalFrequencies[257 + i]) * length.extra }
        for (i, distance) in HuffmanTable.distances.enumerated() { extraBits += Int(distanceFrequencies[i]) * distance.extra }

        let literalCode = HuffmanCode(frequencies: literalFrequencies, limit: 15)
        let distanceCode = HuffmanCode(frequencies: distanceFrequencies, limit: 15)
        let header = DynamicBlockHeader(literalLengths: literalCode.lengths, distanceLengths: distanceCode.lengths)
        let dynamicBits = 3 + header.bitCount + literalCode.cost(literalFrequencies) + distanceCode.cost(distanceFrequencies) + extraBits
        let fixedBits = 3 + Self.fixedLiteralCode.cost(literalFrequencies) + Self.fixedDistanceCode.cost(distanceFrequencies) + extraBits
        let storedBits = Self.storedBits(bytes.count, from: writer.bitCount)

        let start = writer.bitCount
        let kind: BlockKind, counted: Int
        if storedBits <= min(fixedBits, dynamicBits) {
            (kind, counted) = (.stored, storedBits)
            writeStoredBlocks(bytes, final: final)
        } else if fixedBits <= dynamicBits {
            (kind, counted) = (.fixed, fixedBits)
            writer.put(final ? 1 : 0, 1)
            writer.put(1, 2)
            writeSymbols(Self.fixedLiteralCode, Self.fixedDistanceCode)
        } else {
            (kind, counted) = (.dynamic, dynamicBits)
            writer.put(final ? 1 : 0, 1)
            writer.put(2, 2)
            header.write(to: &writer)
            writeSymbols(literalCode, distanceCode)
        }
        let bits = writer.bitCount - start
        assert(bits == counted, "Deflater: a \(kind) block of \(bits) bits, counted as \(counted)")
        blocks.append(BlockSummary(kind: kind, inputBytes: bytes.count, symbols: symbols.count, bits: bits))
        blockStart += symbols.byteCount
        symbols.removeAll()
    }

    /// The bits that stored blocks of `count` bytes take when the first starts at bit
    /// `offset` of the stream: per piece of up to 65,535 bytes, 3 header bits, zero bits to
    /// the byte boundary, LEN and NLEN, the bytes.
    static func storedBits(_ count: Int, from offset: Int) -> Int {
        var bit = offset, left = count
        repeat {
            let piece = min(left, 65535)
            bit = (bit + 3 + 7) & ~7
            bit += 32 + 8 * piece
            left -= piece
        } while left > 0
        return bit - offset
    }

    /// Writes `bytes` as stored blocks of at most 65,535 bytes (one empty block for no
    /// bytes); the last is final if `final`.
    mutating func writeStoredBlocks(_ bytes: UnsafeRawBufferPointer, final: Bool) {
        var offset = 0
        repeat {
            let piece = min(bytes.count - offset, 65535)
            let last = offset + piece == bytes.count
            writer.put(final && last ? 1 : 0, 1)
            writer.put(0, 2)
            writer.alignToByte()
            writer.put(UInt32(piece) | UInt32(~piece & 0xFFFF) << 16, 32)
            writer.append(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + piece)]))
            offset += piece
        } while offset < bytes.count
    }

    /// Writes the buffer's symbols in these codes, then the end-of-block code.
    ///
    /// Every code is looked up once per block into a table of (value, bit count) pairs, one
    /// `UInt64` each (the bits below, their count above): for each literal and the end of
    /// block, for each length 3…258 its code and extra bits together, for each distance
    /// symbol its code. The loop then costs one or two lookups and puts per symbol.
    private mutating func writeSymbols(_ literal: HuffmanCode, _ distance: HuffmanCode) {
        func entry(_ value: UInt32, _ count: Int) -> UInt64 { UInt64(value) | UInt64(count) << 32 }
        let literals = (0...256).map { entry(UInt32(literal.codes[$0]), Int(literal.lengths[$0])) }
        let lengths = (0...258).map { length -> UInt64 in
            guard length >= 3 else { return 0 }
            let symbol = symbols.lengthSymbol(length)
            let (base, extra) = HuffmanTable.lengths[symbol]
            let codeLength = Int(literal.lengths[257 + symbol])
            return entry(UInt32(literal.codes[257 + symbol]) | UInt32(length - base) << codeLength, codeLength + extra)
        }
        let distances = (0..<30).map { entry(UInt32(distance.codes[$0]), Int(distance.lengths[$0])) }
        let distanceBases = HuffmanTable.distances.map { UInt32($0.base) }
        let distanceExtra = HuffmanTable.distances.map(\.extra)

        literals.withUnsafeBufferPointer { literals in
            lengths.withUnsafeBufferPointer { lengths in
                distances.withUnsafeBufferPointer { distances in
                    distanceBases.withUnsafeBufferPointer { distanceBases in
                        distanceExtra.withUnsafeBufferPointer { distanceExtra in
                            symbols.withSymbols { buffer in
                                for symbol in buffer {
                                    let lengthOrByte = Int(symbol & 0xFFFF), d = symbol >> 16
                                    if d == 0 {
                                        let e = literals[lengthOrByte]
                                        writer.put(UInt32(truncatingIfNeeded: e), Int(truncatingIfNeeded: e >> 32))
                                    } else {
                                        let e = lengths[lengthOrByte]
                                        writer.put(UInt32(truncatingIfNeeded: e), Int(truncatingIfNeeded: e >> 32))
                                        let code = symbols.distanceSymbol(Int(d))
                                        let c = distances[code], codeLength = Int(truncatingIfNeeded: c >> 32)
                                        writer.put(UInt32(truncatingIfNeeded: c) | (d &- distanceBases[code]) &<< UInt32(codeLength), codeLength &+ distanceExtra[code])
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        writer.put(UInt32(truncatingIfNeeded: literals[256]), Int(literals[256] >> 32))
    }
}
