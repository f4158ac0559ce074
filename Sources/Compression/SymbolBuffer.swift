/// The symbols of the block being built: literals and length/distance pairs as the LZ77
/// parse produces them, with how often each literal/length and distance symbol of
/// section 3.2.5 occurs, until the block is written and the buffer emptied.
///
/// A symbol is one `UInt32`: `distance << 16 | length` for a match (distance 1…32768,
/// length 3…258), the byte itself for a literal (distance 0). A block ends when the buffer
/// holds 16,383 symbols, as in zlib at its default memory level (`lit_bufsize − 1`): large
/// enough that the code tables (about 60–90 bytes) cost little, small enough that the codes
/// follow the data as it changes.
///
/// The symbols, the counts and two lookup tables (length → symbol, distance → symbol, as
/// zlib's `_length_code` and `_dist_code`) are owned memory: `~Copyable`, internal.
struct SymbolBuffer: ~Copyable {
    /// The most symbols in one block.
    static let capacity = 16383

    private let symbols: UnsafeMutablePointer<UInt32>
    /// Symbols so far.
    private(set) var count = 0
    /// The input bytes they stand for: one per literal, `length` per match.
    private(set) var byteCount = 0
    /// How often each literal/length symbol 0…285 occurs (end of block not counted).
    let literalLengthFrequencies: UnsafeMutablePointer<UInt32>
    /// How often each distance symbol 0…29 occurs.
    let distanceFrequencies: UnsafeMutablePointer<UInt32>
    /// `lengthSymbols[length]`: the length symbol minus 257 (0…28), for lengths 3…258.
    private let lengthSymbols: UnsafeMutablePointer<UInt8>
    /// The distance symbol (0…29) of distance d: entry d − 1 below 257, 256 + (d − 1) >> 7
    /// above (every distance code from 16 on spans whole multiples of 128).
    private let distanceSymbols: UnsafeMutablePointer<UInt8>

    init() {
        symbols = .allocate(capacity: Self.capacity)
        literalLengthFrequencies = .allocate(capacity: 286)
        literalLengthFrequencies.initialize(repeating: 0, count: 286)
        distanceFrequencies = .allocate(capacity: 30)
        distanceFrequencies.initialize(repeating: 0, count: 30)
        lengthSymbols = .allocate(capacity: 259)
        lengthSymbols.initialize(repeating: 0, count: 259)
        // In order, so that 258 ends as symbol 285, not 284 with 31 extra (section 3.2.5).
        for (symbol, (base, extra)) in HuffmanTable.lengths.enumerated() {
            for length in base..<min(259, base + 1 << extra) { lengthSymbols[length] = UInt8(symbol) }
        }
        distanceSymbols = .allocate(capacity: 512)
        distanceSymbols.initialize(repeating: 0, count: 512)
        for (symbol, (base, extra)) in HuffmanTable.distances.enumerated() {
            for d in (base - 1)..<(base - 1 + 1 << extra) {
                distanceSymbols[d < 256 ? d : 256 + d >> 7] = UInt8(symbol)
            }
        }
    }

    deinit {
        symbols.deallocate()
        literalLengthFrequencies.deallocate()
        distanceFrequencies.deallocate()
        lengthSymbols.deallocate()
        distanceSymbols.deallocate()
    }

    var isFull: Bool { count == Self.capacity }

    @inline(__always)
    mutating func addLiteral(_ byte: UInt8) {
        symbols[count] = UInt32(byte)
        count &+= 1
        byteCount &+= 1
        literalLengthFrequencies[Int(byte)] &+= 1
    }

    /// - Precondition: `3...258 ~= length`, `1...32768 ~= distance`, and the buffer not full.
    @inline(__always)
    mutating func addMatch(length: Int, distance: Int) {
        assert((3...258).contains(length) && (1...32768).contains(distance) && count < Self.capacity)
        symbols[count] = UInt32(truncatingIfNeeded: distance << 16 | length)
        count &+= 1
        byteCount &+= length
        literalLengthFrequencies[257 &+ lengthSymbol(length)] &+= 1
        distanceFrequencies[distanceSymbol(distance)] &+= 1
    }

    /// The symbols so far, in order: `distance << 16 | length` for a match, the byte for a
    /// literal.
    func withSymbols<R>(_ body: (UnsafeBufferPointer<UInt32>) -> R) -> R {
        body(UnsafeBufferPointer(start: symbols, count: count))
    }

    /// The length symbol minus 257 (0…28) of a match of `length` (3…258).
    @inline(__always)
    func lengthSymbol(_ length: Int) -> Int { Int(lengthSymbols[length]) }

    /// The distance symbol (0…29) of `distance` (1…32768).
    @inline(__always)
    func distanceSymbol(_ distance: Int) -> Int {
        let d = distance &- 1
        return Int(distanceSymbols[d < 256 ? d : 256 &+ d &>> 7])
    }

    /// Empties the buffer and its counts, for the next block.
    mutating func removeAll() {
        count = 0
        byteCount = 0
        literalLengthFrequencies.update(repeating: 0, count: 286)
        distanceFrequencies.update(repeating: 0, count: 30)
    }
}
