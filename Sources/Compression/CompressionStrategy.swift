/// What `Deflate.compress` may assume about the data, as zlib's `strategy` argument does.
public enum CompressionStrategy: Hashable, Sendable, CustomStringConvertible {
    /// Any data: every match of 3 bytes or more is worth taking (except a 3-byte match
    /// more than 4096 back, as in zlib).
    case `default`
    /// Data of small numbers with little exact repetition, such as PNG's filtered rows:
    /// at the lazy levels (4–9), matches of 5 bytes or fewer are sent as literals, since
    /// the literals' Huffman codes are short when their values cluster, and a short match
    /// costs its length code, a distance and their extra bits. zlib's `Z_FILTERED`, which
    /// libpng uses for filtered images; the greedy levels and level 0 ignore it, as zlib's do.
    case filtered

    public var description: String { self == .default ? "default" : "filtered" }
}
