/// The decompressed bytes as they are produced: a buffer that grows by doubling, never
/// beyond the caller's limit, so that a small input claiming a huge output (a
/// "decompression bomb") is refused before the memory is allocated. The compressor's
/// `BitWriter` writes into one too, with no limit.
///
/// Invariants: `count <= capacity <= limit`, and `slack` more bytes are allocated past
/// `capacity` so that a match copy may write up to 8 bytes at a time and overshoot its end
/// by at most 7 (`Inflater` relies on this). Bytes at and after `count` are uninitialized
/// and never read. Owned memory, freed by `deinit`: hence `~Copyable`, and internal.
struct OutputBuffer: ~Copyable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    /// Bytes written so far.
    var count = 0
    /// Bytes that may be written before `reserve` must be called.
    private(set) var capacity: Int
    /// The most bytes this buffer may ever hold: the caller's `maximumOutputBytes`.
    let limit: Int

    static let slack = 16

    /// An empty buffer with room for `expected` bytes (at most `limit`, at least a little).
    init(expected: Int, limit: Int) {
        self.limit = max(0, limit)
        capacity = min(self.limit, max(expected, 4096))
        base = .allocate(capacity: capacity + Self.slack)
    }

    deinit { base.deallocate() }

    /// Makes room for `needed` bytes in all, doubling the capacity (but not past the
    /// limit); false, and nothing changed, when `needed` is more than the limit.
    mutating func reserve(_ needed: Int) -> Bool {
        guard needed > capacity else { return true }
        guard needed <= limit else { return false }
        let newCapacity = min(limit, max(needed, capacity <= limit / 2 ? capacity * 2 : limit))
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity + Self.slack)
        newBase.initialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
        return true
    }

    /// The bytes `range` of what was written.
    func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= count)
        return body(UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count))
    }

    /// Everything written, as an array; the buffer is freed.
    consuming func array() -> [UInt8] {
        [UInt8](UnsafeBufferPointer(start: base, count: count))
    }
}
