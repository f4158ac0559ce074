import Compression

extension PNG {
    /// How a picture is encoded: how its rows are filtered, and how the filtered rows are
    /// deflated. Every encoding gives the same pixels back; they differ in size and time,
    /// and which is best depends on the picture: photographs and maps are smooth (small
    /// differences, few exact repeats), drawings have flat areas, text and repeated tiles
    /// (exact repeats, which filtering breaks up).
    ///
    /// On the 1080p feature maps (`docs/feature-maps.md`, "Speed"), `.photograph` writes
    /// the eleven maps 1% smaller than `.libpng` in a twentieth of the time; on their
    /// contact sheet, `.drawing` is 19% smaller than `.libpng` and 13 times as fast.
    public struct Encoding: Hashable, Sendable {
        /// How each row is filtered before it is deflated (`PNG+Filters.swift`).
        public enum Rows: Hashable, Sendable {
            /// Each row by the filter whose bytes have the least sum of absolute values,
            /// as libpng chooses.
            case adaptive
            /// Every row by the Paeth predictor: for photographs as small as the adaptive
            /// choice, or smaller, and no choosing.
            case paeth
            /// No row filtered (type 0 on every row): a drawing's repeats stay exact.
            case unfiltered
        }

        public let rows: Rows
        public let level: CompressionLevel
        public let strategy: CompressionStrategy

        public init(rows: Rows, level: CompressionLevel, strategy: CompressionStrategy) {
            self.rows = rows
            self.level = level
            self.strategy = strategy
        }

        /// What libpng does by default: the adaptive filter, deflate at zlib's default level 6
        /// with the filtered strategy. As small as netpbm's `pnmtopng` on photographs; about
        /// 10 MB of pixels a second.
        public static let libpng = Encoding(rows: .adaptive, level: .default, strategy: .filtered)

        /// For large photographic pictures, such as feature maps: Paeth on every row, and
        /// deflate's run-length parse (zlib's `Z_RLE`, which zlib's manual recommends for PNG
        /// image data), no hash chains at all.
        public static let photograph = Encoding(rows: .paeth, level: .default, strategy: .runLength)

        /// For drawings, such as the contact sheet of labelled tiles on a white page: rows
        /// unfiltered, deflate's fastest LZ77 parse (level 1), which finds the repeats.
        public static let drawing = Encoding(rows: .unfiltered, level: .fastest, strategy: .default)
    }
}
