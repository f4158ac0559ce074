/// How hard `Deflate.compress` looks for matches: zlib's levels 0 to 9, with zlib's
/// parameters for each, so that a level here costs and gains about what it does in zlib.
///
/// | level | parse  | `goodLength` | `lazyLength` | `niceLength` | `maxChain` |
/// |-------|--------|--------------|--------------|--------------|------------|
/// | 0     | stored | –            | –            | –            | –          |
/// | 1     | greedy | 4            | 4            | 8            | 4          |
/// | 2     | greedy | 4            | 5            | 16           | 8          |
/// | 3     | greedy | 4            | 6            | 32           | 32         |
/// | 4     | lazy   | 4            | 4            | 16           | 16         |
/// | 5     | lazy   | 8            | 16           | 32           | 32         |
/// | 6     | lazy   | 8            | 16           | 128          | 128        |
/// | 7     | lazy   | 8            | 32           | 128          | 256        |
/// | 8     | lazy   | 32           | 128          | 258          | 1024       |
/// | 9     | lazy   | 32           | 258          | 258          | 4096       |
///
/// (zlib 1.2.13, `deflate.c`, `configuration_table`.) Level 0 writes stored blocks only.
/// The greedy parse takes the longest match at each position; the lazy parse first looks
/// one byte further and emits a literal if a longer match starts there (RFC 1951, section
/// 4). `maxChain` is how many earlier positions with the same hash are tried, a quarter as
/// many once a match of `goodLength` is in hand; a match of `niceLength` ends the search.
/// `lazyLength` means two things, as in zlib: for the lazy parse, a match at least this
/// long is taken without looking one byte further; for the greedy one, the positions
/// inside a match at most this long are entered into the hash chains (those inside longer
/// matches are skipped, for speed).
public struct CompressionLevel: Hashable, Sendable, CaseIterable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    /// 0 (stored) to 9 (smallest).
    public let value: Int

    /// Level `value`, from 0 (stored, no compression) through 1 (fastest) to 9 (smallest).
    ///
    /// - Precondition: `0...9 ~= value`.
    public init(_ value: Int) {
        precondition((0...9).contains(value), "CompressionLevel: \(value) is not a level from 0 to 9")
        self.value = value
    }

    public init(integerLiteral value: Int) { self.init(value) }

    /// Level 0: stored blocks, no compression.
    public static let stored = CompressionLevel(0)
    /// Level 1: the greedy parse with the shortest hash chains.
    public static let fastest = CompressionLevel(1)
    /// Level 6, zlib's default (`Z_DEFAULT_COMPRESSION`).
    public static let `default` = CompressionLevel(6)
    /// Level 9: the longest hash chains.
    public static let smallest = CompressionLevel(9)

    /// Levels 0 to 9.
    public static let allCases = (0...9).map { CompressionLevel($0) }

    public var description: String { "level \(value)" }

    /// zlib's parameters for this level; see the table above.
    var parameters: Parameters { Self.table[value] }

    struct Parameters {
        let lazy: Bool
        let goodLength: Int
        let lazyLength: Int
        let niceLength: Int
        let maxChain: Int
    }

    private static let table: [Parameters] = [
        Parameters(lazy: false, goodLength: 0, lazyLength: 0, niceLength: 0, maxChain: 0),
        Parameters(lazy: false, goodLength: 4, lazyLength: 4, niceLength: 8, maxChain: 4),
        Parameters(lazy: false, goodLength: 4, lazyLength: 5, niceLength: 16, maxChain: 8),
        Parameters(lazy: false, goodLength: 4, lazyLength: 6, niceLength: 32, maxChain: 32),
        Parameters(lazy: true, goodLength: 4, lazyLength: 4, niceLength: 16, maxChain: 16),
        Parameters(lazy: true, goodLength: 8, lazyLength: 16, niceLength: 32, maxChain: 32),
        Parameters(lazy: true, goodLength: 8, lazyLength: 16, niceLength: 128, maxChain: 128),
        Parameters(lazy: true, goodLength: 8, lazyLength: 32, niceLength: 128, maxChain: 256),
        Parameters(lazy: true, goodLength: 32, lazyLength: 128, niceLength: 258, maxChain: 1024),
        Parameters(lazy: true, goodLength: 32, lazyLength: 258, niceLength: 258, maxChain: 4096),
    ]

    /// The FLEVEL field of a zlib header written at this level (RFC 1950, section 2.2):
    /// 0 fastest (levels 0 and 1), 1 fast (2–5), 2 default (6), 3 maximum (7–9), as zlib's
    /// `deflate` sets it. Informative only: no decoder needs it.
    var zlibFLevel: UInt8 {
        switch value {
        case 0...1: 0
        case 2...5: 1
        case 6: 2
        default: 3
        }
    }
}
