import Testing

@testable import Compression

/// zlib's `deflate_rle` written plainly, as the reference for `Deflater`'s run-length parse:
/// at each position after the first, the run of bytes equal to the one before it, taken as
/// a match at distance 1 when it is 3 bytes long or more (at most 258), else a literal.
/// Returns each symbol's input bytes: 1 for a literal, the length for a match.
private func referenceRuns(_ data: [UInt8]) -> [Int] {
    var symbols: [Int] = []
    var p = 0
    while p < data.count {
        var run = 0
        while p > 0 && p + run < data.count && run < 258 && data[p + run] == data[p - 1] { run += 1 }
        let length = run >= 3 ? run : 1
        symbols.append(length)
        p += length
    }
    return symbols
}

/// The blocks `Deflater` writes for `data` with the run-length strategy.
private func runLengthBlocks(_ data: [UInt8], level: CompressionLevel = .default) -> [Deflater.BlockSummary] {
    data.withUnsafeBytes { bytes in
        var deflater = Deflater(input: bytes, level: level, strategy: .runLength)
        deflater.deflate()
        return deflater.blocks
    }
}

struct RunLengthTests {
    /// Inputs for the run-length parse: empty, 1 byte, runs of every length around 3 and
    /// 258 (the shortest and longest match), noise, text, a photograph's differences, and
    /// sizes on both sides of a block's 16,383 symbols.
    private static func inputs() throws -> [(String, [UInt8])] {
        let camera = try repositoryFile("Samples/camera.pgm")
        var cases: [(String, [UInt8])] = [
            ("empty", []), ("1 byte", [9]), ("2 equal bytes", [9, 9]), ("3 equal bytes", [9, 9, 9]),
            ("a MiB of zeros", [UInt8](repeating: 0, count: 1 << 20)),
            ("random", Inputs.random(100_000, seed: 20)),
            ("runs", Inputs.runs(200_000, seed: 21)),
            ("copies", Inputs.copies(100_000, seed: 22)),
            ("text.txt", try fixture("text.txt")),
            ("binary.bin", try fixture("binary.bin")),
            ("camera.pgm, Sub-filtered", (0..<camera.count).map { i in i == 0 ? camera[0] : camera[i] &- camera[i - 1] }),
        ]
        for length in [1, 2, 3, 4, 5, 257, 258, 259, 260, 261, 516, 517, 518, 519] {
            cases.append(("a run of \(length) after a byte", [7] + [UInt8](repeating: 200, count: length) + [1, 2]))
            cases.append(("a run of \(length) at the end", [7] + [UInt8](repeating: 200, count: length)))
        }
        for count in [16382, 16383, 16384, 32766, 32767, 32768] {
            cases.append(("\(count) random bytes", Inputs.random(count, seed: UInt64(count))))
            // Pairs of equal bytes: never a match, so exactly one symbol per byte.
            cases.append(("\(count) bytes in pairs", (0..<count).map { UInt8($0 / 2 % 251) }))
        }
        return cases
    }

    @Test("round trips through Inflate, the symbols of zlib's deflate_rle in every block, at every level but 0")
    func againstTheReference() throws {
        for (name, data) in try Self.inputs() {
            let stream = Deflate.compress(data, strategy: .runLength)
            #expect(try Inflate.decompress(raw: stream, maximumOutputBytes: data.count) == data, "\(name)")
            #expect(try Zlib.decompress(Zlib.compress(data, strategy: .runLength), maximumOutputBytes: data.count) == data, "\(name), zlib")

            // The reference's symbols, cut into blocks of 16,383: each block's symbol and byte
            // counts. The final block holds what is left, nothing if the last one filled up.
            let reference = referenceRuns(data)
            let expected = stride(from: 0, through: reference.count, by: SymbolBuffer.capacity).map { start in
                let block = reference[start..<min(start + SymbolBuffer.capacity, reference.count)]
                return [block.count, block.reduce(0, +)]
            }
            let blocks = runLengthBlocks(data)
            #expect(blocks.map { [$0.symbols, $0.inputBytes] } == expected, "\(name)")
            // Blocks come from the symbols, not the level (the zlib header's FLEVEL aside).
            for level in 1...9 {
                #expect(Deflate.compress(data, level: CompressionLevel(level), strategy: .runLength) == stream, "\(name) at level \(level)")
            }
            #expect(Deflate.compress(data, level: .stored, strategy: .runLength) == Deflate.compress(data, level: .stored), "\(name), level 0")
        }
    }

    @Test("200 seeded mixtures of runs, copies and noise round-trip")
    func seededMixtures() throws {
        for seed in 0..<200 as Range<UInt64> {
            var rng = SplitMix64(seed: 2000 + seed)
            let count = Int.random(in: 0...70_000, using: &rng)
            let data = Inputs.runs(count / 2, seed: seed) + Inputs.random(count / 4, seed: seed) + Inputs.copies(count / 4, seed: seed)
            let stream = Deflate.compress(data, strategy: .runLength)
            #expect(try Inflate.decompress(raw: stream, maximumOutputBytes: data.count) == data, "seed \(seed)")
        }
    }

    @Test("what runs cost: a MiB of one byte in about 1 KB, a run of 259 as a literal and a match, copies from afar not found, a photograph near level 6")
    func sizes() throws {
        // 1 MiB of zeros: a literal, then 4,065 matches of 258 at distance 1, about 2 bits each.
        #expect(Deflate.compress([UInt8](repeating: 0, count: 1 << 20), strategy: .runLength).count < 1100)
        // The longest match: a run of 259 after a byte is a literal and one match of 258.
        #expect(runLengthBlocks([7] + [UInt8](repeating: 200, count: 259)).map(\.symbols) == [3])
        // Only runs: the copies that level 1 finds are literals here.
        let copies = Inputs.copies(100_000, seed: 23)
        #expect(Deflate.compress(copies, strategy: .runLength).count > 2 * Deflate.compress(copies, level: .fastest).count)
        // A photograph's differences: within 10% of level 6 with the filtered strategy.
        let camera = try repositoryFile("Samples/camera.pgm")
        let differences = (0..<camera.count).map { i in i == 0 ? camera[0] : camera[i] &- camera[i - 1] }
        let runs = Deflate.compress(differences, strategy: .runLength).count
        let filtered = Deflate.compress(differences, strategy: .filtered).count
        #expect(Double(runs) < 1.1 * Double(filtered), "\(runs) against \(filtered)")
    }
}
