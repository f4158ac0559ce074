import Testing

@testable import Compression

struct DynamicBlockHeaderTests {
    private func items(_ header: DynamicBlockHeader) -> [String] {
        header.items.map { $0.extraBits > 0 ? "\($0.symbol)+\($0.extra)" : "\($0.symbol)" }
    }

    @Test("by hand: zero runs as 18 and 17, repeats as 16, HLIT and HDIST trimmed to what is used")
    func byHand() {
        var literals = [UInt8](repeating: 0, count: 286)
        literals[65] = 1
        literals[256] = 2
        literals[257] = 2
        var distances = [UInt8](repeating: 0, count: 30)
        distances[0] = 1
        distances[1] = 1
        let header = DynamicBlockHeader(literalLengths: literals, distanceLengths: distances)
        #expect((header.literalCount, header.distanceCount) == (258, 2))
        // 65 zeros, 1, 190 zeros (138 + 52), 2, 2, then the distances 1, 1.
        #expect(items(header) == ["18+54", "1", "18+127", "18+41", "2", "2", "1", "1"])

        literals = [UInt8](repeating: 0, count: 286)
        for s in 250...257 { literals[s] = 3 }
        literals[0] = 5
        distances = [UInt8](repeating: 3, count: 6) + [UInt8](repeating: 0, count: 24)
        let crossing = DynamicBlockHeader(literalLengths: literals, distanceLengths: distances)
        // 5, 249 zeros (138 + 111), then 3 fourteen times across the literal/distance
        // boundary (eight literal/lengths, six distances): once, repeated 6 and 6, once more.
        #expect(items(crossing) == ["5", "18+127", "18+100", "3", "16+3", "16+3", "3"])
        #expect(crossing.codeLengthCount >= 4 && crossing.codeLengthCount <= 19)
    }

    @Test("the bits counted are the bits written")
    func bitCount() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<50 {
            let literals = (0..<286).map { _ in UInt32.random(in: 0...2, using: &rng) == 0 ? UInt32.random(in: 1...500, using: &rng) : 0 }
            let distances = (0..<30).map { _ in UInt32.random(in: 0...3, using: &rng) == 0 ? UInt32.random(in: 1...500, using: &rng) : 0 }
            let header = DynamicBlockHeader(literalLengths: HuffmanCode(frequencies: literals, limit: 15).lengths,
                                            distanceLengths: HuffmanCode(frequencies: distances, limit: 15).lengths)
            var writer = Compression.BitWriter(expected: 0)  // not the tests' own BitWriter (Support.swift)
            header.write(to: &writer)
            #expect(writer.bitCount == header.bitCount)
        }
    }
}
