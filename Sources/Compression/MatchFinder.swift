/// LZ77's search for an earlier copy of the bytes ahead (RFC 1951, section 4): hash chains
/// over the 32 KiB that a distance can reach back (section 3.2.5), as zlib keeps them.
///
/// Each position entered is filed under a hash of its next three bytes, the shortest match
/// deflate can code: `head[h]` is the latest position with hash `h`, and
/// `previous[p mod 32768]` is the position filed under the same hash before `p`. Following
/// the chain from `head` visits earlier and earlier candidates, nearest first. A chain is
/// followed only while the candidate is less than 32,768 back: that is as far as a
/// distance reaches, and also as far as the links can be trusted, since `previous` is
/// indexed modulo the window and the link of the position exactly 32,768 back was
/// overwritten when the current position was entered. Links always point backwards, so a
/// chain cannot loop.
///
/// The whole input is in memory, so unlike zlib's there is no window to slide: positions
/// are offsets into `bytes`, stored as `Int32` (`Deflater` gives one finder at most 1 GiB),
/// and the window is simply the 32 KiB before the current position. zlib stops 262 bytes
/// short of the window (its `MAX_DIST`); here a match may be exactly 32,768 back.
///
/// The hash is multiplicative (Knuth's 2654435761 · the three bytes, top 15 bits), where
/// zlib shifts and XORs: fewer collisions, so the chain's limited steps are spent on
/// candidates that share three bytes. 2^15 heads, as zlib's default `memLevel` 8.
///
/// `head` and `previous` are owned memory: `~Copyable`, internal.
struct MatchFinder: ~Copyable {
    /// How far back a match may start: deflate's window (distance code 29's top).
    static let windowSize = 32768
    static let minimumLength = 3
    static let maximumLength = 258
    static let hashBits = 15

    /// The bytes searched, and how many.
    let bytes: UnsafePointer<UInt8>
    let count: Int
    private let head: UnsafeMutablePointer<Int32>
    private let previous: UnsafeMutablePointer<Int32>

    /// A finder over `count` bytes at `bytes`, with no position entered.
    ///
    /// - Precondition: `count < 2^31`.
    init(bytes: UnsafePointer<UInt8>, count: Int) {
        precondition(count >= 0 && count <= Int(Int32.max), "MatchFinder: more than 2 GiB at once")
        self.bytes = bytes
        self.count = count
        head = .allocate(capacity: 1 << Self.hashBits)
        head.initialize(repeating: -1, count: 1 << Self.hashBits)
        previous = .allocate(capacity: Self.windowSize)
        previous.initialize(repeating: -1, count: Self.windowSize)
    }

    deinit {
        head.deallocate()
        previous.deallocate()
    }

    /// Files position `p` under the hash of its three bytes, and returns the latest earlier
    /// position with that hash (which may be too far back, or hold other bytes), or −1.
    ///
    /// - Precondition: `p + 3 <= count`, positions entered in increasing order.
    @inline(__always)
    mutating func insert(_ p: Int) -> Int {
        assert(p >= 0 && p + Self.minimumLength <= count)
        let three = UInt32(UnsafeRawPointer(bytes + p).loadUnaligned(as: UInt16.self).littleEndian) | UInt32(bytes[p &+ 2]) &<< 16
        let h = Int(truncatingIfNeeded: (three &* 2_654_435_761) &>> UInt32(32 - Self.hashBits))
        let candidate = head[h]
        head[h] = Int32(truncatingIfNeeded: p)
        previous[p & (Self.windowSize - 1)] = candidate
        return Int(candidate)
    }

    /// The longest match for the bytes at `p` that is longer than `shortest`, among at most
    /// `chain` candidates along the chain from `candidate` (what `insert(p)` returned):
    /// its length and distance, or (`shortest`, 0) if none is longer. Stops at the first
    /// match of `nice` bytes or more. Of equally long matches, the nearest wins (the chain is
    /// followed nearest first and only a longer match replaces the best).
    ///
    /// The bytes ahead bound the length: at most `min(258, count − p)`. A candidate is
    /// checked first at the two bytes where it would have to beat the best so far, then at
    /// its first two, then compared eight bytes at a time (the first differing byte is the
    /// lowest set byte of the XOR, on a little-endian load), as zlib's `longest_match`
    /// checks its `scan_end` first.
    ///
    /// - Precondition: `p` entered, `shortest >= 2`, `chain >= 1`.
    @inline(__always)
    func longestMatch(at p: Int, candidate: Int, longerThan shortest: Int, chain: Int, nice: Int) -> (length: Int, distance: Int) {
        let maximum = min(Self.maximumLength, count &- p)
        guard shortest < maximum, candidate >= 0 else { return (shortest, 0) }
        let nice = min(nice, maximum)
        let limit = p &- Self.windowSize  // candidates at or after it are in reach
        let scan = bytes + p
        let scanStart = UnsafeRawPointer(scan).loadUnaligned(as: UInt16.self)
        var best = shortest, bestDistance = 0
        var scanEnd = UnsafeRawPointer(scan + (best &- 1)).loadUnaligned(as: UInt16.self)
        var c = candidate
        var steps = chain
        if c < limit { return (shortest, 0) }
        while true {
            let match = bytes + c
            if UnsafeRawPointer(match + (best &- 1)).loadUnaligned(as: UInt16.self) == scanEnd,
               UnsafeRawPointer(match).loadUnaligned(as: UInt16.self) == scanStart {
                let length = Self.commonLength(scan, match, from: 2, maximum: maximum)
                if length > best {
                    best = length
                    bestDistance = p &- c
                    if length >= nice { break }
                    scanEnd = UnsafeRawPointer(scan + (best &- 1)).loadUnaligned(as: UInt16.self)
                }
            }
            steps &-= 1
            if steps == 0 || c <= limit { break }  // at limit, the link was overwritten by p
            c = Int(previous[c & (Self.windowSize - 1)])
            if c < limit || c < 0 { break }
        }
        return (best, bestDistance)
    }

    /// How many bytes `a` and `b` have in common from `start`, up to `maximum`; `b` is before
    /// `a` (a run's distance-1 copy overlaps it), and `a + maximum` is within the input.
    @inline(__always)
    static func commonLength(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, from start: Int, maximum: Int) -> Int {
        var length = start
        while length &+ 8 <= maximum {
            let x = UnsafeRawPointer(a + length).loadUnaligned(as: UInt64.self).littleEndian
                ^ UnsafeRawPointer(b + length).loadUnaligned(as: UInt64.self).littleEndian
            if x != 0 { return length &+ x.trailingZeroBitCount &>> 3 }
            length &+= 8
        }
        while length < maximum && a[length] == b[length] { length &+= 1 }
        return length
    }
}
