/// The DEFLATE encoder (RFC 1951): parses the input into literals and length/distance
/// pairs (LZ77, section 4, with the `MatchFinder`'s hash chains), collects them in a
/// `SymbolBuffer`, and writes each full buffer as a block (`Deflater+Blocks.swift`). Used
/// by `Deflate` (raw) and `Zlib`, which add the framing.
///
/// The two parses are zlib's (`deflate_fast` and `deflate_slow` in `deflate.c`), with the
/// parameters of the `CompressionLevel`:
/// - **greedy** (levels 1–3): at each position, the longest match if there is one of 3
///   bytes or more, else a literal;
/// - **lazy** (levels 4–9): a match found at `p` is held while the search is repeated at
///   `p + 1`; if that finds a longer match, the byte at `p` goes out as a literal and the
///   longer match is held instead, else the held match is taken. A match of `lazyLength`
///   or more is taken at once, and a 3-byte match more than 4096 back is dropped (zlib's
///   `TOO_FAR`: it costs about as many bits as the three literals); with the `.filtered`
///   strategy, every match of 5 bytes or fewer is dropped (zlib's `Z_FILTERED`);
/// - **runs** (the `.runLength` strategy, any level but 0): zlib's `deflate_rle`, matches at
///   distance 1 only, found by comparing the bytes ahead with the one before; no hash
///   chains, so the input is taken whole, not in segments.
///
/// Inputs of more than 1 GiB are parsed in segments of 1 GiB, each with a new
/// `MatchFinder` (positions are `Int32`); matches do not reach back across a segment's
/// start, so the first few KiB of each GiB compress as if the input began there. Blocks do
/// not care: one block may hold the end of one segment and the start of the next.
struct Deflater: ~Copyable {
    let input: UnsafeRawBufferPointer
    let level: CompressionLevel
    let strategy: CompressionStrategy
    /// The most bytes one `MatchFinder` searches (a parameter for the tests).
    let segmentLength: Int
    var writer: BitWriter
    var symbols = SymbolBuffer()
    /// The offset in `input` of the current block's first byte.
    var blockStart = 0
    /// What each block written was, in order.
    var blocks: [BlockSummary] = []

    init(input: UnsafeRawBufferPointer, level: CompressionLevel, strategy: CompressionStrategy = .default, segmentLength: Int = 1 << 30) {
        precondition(segmentLength > 0)
        self.input = input
        self.level = level
        self.strategy = strategy
        self.segmentLength = segmentLength
        writer = BitWriter(expected: input.count / 4 + 64)
    }

    /// Writes the whole input as one deflate stream, final block included.
    mutating func deflate() {
        guard level.value > 0 else {
            let start = writer.bitCount
            writeStoredBlocks(input, final: true)
            blocks.append(BlockSummary(kind: .stored, inputBytes: input.count, symbols: 0, bits: writer.bitCount - start))
            return
        }
        if strategy == .runLength, let base = input.baseAddress?.assumingMemoryBound(to: UInt8.self) {
            parseRuns(base, count: input.count)
        } else if let base = input.baseAddress?.assumingMemoryBound(to: UInt8.self) {
            var start = 0
            while start < input.count {
                let end = start + min(segmentLength, input.count - start)
                var finder = MatchFinder(bytes: base + start, count: end - start)
                if level.parameters.lazy { parseLazily(&finder) } else { parseGreedily(&finder) }
                start = end
            }
        }
        writeBlock(final: true)
    }

    /// Everything written.
    consuming func finish() -> [UInt8] { writer.finish() }

    // MARK: - Parsing

    /// zlib's `deflate_fast`: the longest match at each position, or a literal.
    private mutating func parseGreedily(_ finder: inout MatchFinder) {
        let parameters = level.parameters
        let bytes = finder.bytes, end = finder.count
        var p = 0
        while p < end {
            var length = 0, distance = 0
            if end &- p >= MatchFinder.minimumLength {
                let candidate = finder.insert(p)
                (length, distance) = finder.longestMatch(at: p, candidate: candidate, longerThan: 2, chain: parameters.maxChain, nice: parameters.niceLength)
            }
            if distance > 0 {
                symbols.addMatch(length: length, distance: distance)
                // The positions inside a short match are entered, those in a long one skipped.
                if length <= parameters.lazyLength && end &- (p &+ length) >= MatchFinder.minimumLength {
                    for q in (p &+ 1)..<(p &+ length) { _ = finder.insert(q) }
                }
                p &+= length
            } else {
                symbols.addLiteral(bytes[p])
                p &+= 1
            }
            if symbols.isFull { writeBlock(final: false) }
        }
    }

    /// zlib's `deflate_rle`: at each position, the run of copies of the byte before it, as a
    /// match at distance 1 when it is 3 bytes or longer (at most 258), else a literal.
    private mutating func parseRuns(_ bytes: UnsafePointer<UInt8>, count end: Int) {
        var p = 0
        while p < end {
            // The byte before p and the three from p, compared at once.
            if p > 0 && end &- p >= MatchFinder.minimumLength
                && UnsafeRawPointer(bytes + (p &- 1)).loadUnaligned(as: UInt32.self) == UInt32(bytes[p &- 1]) &* 0x0101_0101 {
                let length = MatchFinder.commonLength(bytes + p, bytes + (p &- 1), from: MatchFinder.minimumLength,
                                                      maximum: min(MatchFinder.maximumLength, end &- p))
                symbols.addMatch(length: length, distance: 1)
                p &+= length
            } else {
                symbols.addLiteral(bytes[p])
                p &+= 1
            }
            if symbols.isFull { writeBlock(final: false) }
        }
    }

    /// zlib's `deflate_slow`: each match is held one position to see whether a longer one
    /// starts at the next byte.
    private mutating func parseLazily(_ finder: inout MatchFinder) {
        let parameters = level.parameters
        let bytes = finder.bytes, end = finder.count
        let filtered = strategy == .filtered
        // The longest match found at this distance that is dropped: 5 with `.filtered`, else
        // 3 beyond 4096 back (zlib's `TOO_FAR`), else none (2).
        func longestDropped(_ distance: Int) -> Int { filtered ? 5 : distance > 4096 ? 3 : 2 }
        var p = 0
        var held = 2, heldDistance = 0  // the match found at p − 1 (2: none)
        var literalHeld = false  // whether the byte at p − 1 is not yet coded
        while p < end {
            var length = 2, distance = 0
            if end &- p >= MatchFinder.minimumLength {
                let candidate = finder.insert(p)
                if held < parameters.lazyLength {
                    let chain = held >= parameters.goodLength ? parameters.maxChain >> 2 : parameters.maxChain
                    (length, distance) = finder.longestMatch(at: p, candidate: candidate, longerThan: held, chain: chain, nice: parameters.niceLength)
                    if distance > 0 && length <= longestDropped(distance) { (length, distance) = (2, 0) }
                }
            }
            if held >= 3 && length <= held {
                // Take the held match, which starts at p − 1; enter the positions inside it
                // that have three bytes ahead.
                symbols.addMatch(length: held, distance: heldDistance)
                let matchEnd = p &- 1 &+ held
                var q = p &+ 1
                let lastEntered = min(matchEnd, end &- MatchFinder.minimumLength &+ 1)
                while q < lastEntered {
                    _ = finder.insert(q)
                    q &+= 1
                }
                p = matchEnd
                held = 2
                literalHeld = false
                if symbols.isFull { writeBlock(final: false) }
                continue
            }
            if literalHeld {
                symbols.addLiteral(bytes[p &- 1])
                if symbols.isFull { writeBlock(final: false) }
            }
            literalHeld = true
            (held, heldDistance) = (length, distance)
            p &+= 1
        }
        if literalHeld {
            symbols.addLiteral(bytes[p &- 1])
            if symbols.isFull { writeBlock(final: false) }
        }
    }
}
