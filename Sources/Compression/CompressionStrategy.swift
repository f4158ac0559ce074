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
    /// Runs of one byte: matches only at distance 1, the longest run at each position, no
    /// hash chains at all, at every level but 0 (zlib's `Z_RLE`, "designed to be almost as
    /// fast as Z_HUFFMAN_ONLY, but give better compression for PNG image data"). For large
    /// filtered photographs, whose rows have few exact repeats but runs where they are
    /// flat: on the 1080p feature maps it is as small as level 6 with `.filtered`, at about
    /// 20 times the speed.
    case runLength

    public var description: String {
        switch self {
        case .default: "default"
        case .filtered: "filtered"
        case .runLength: "run-length"
        }
    }
}
