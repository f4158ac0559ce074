import Testing

@testable import Compression

struct MatchFinderTests {
    /// Enters positions 0 ..< p of `data`, then searches at p.
    private func search(_ data: [UInt8], at p: Int, longerThan shortest: Int = 2, chain: Int = 4096, nice: Int = 258) -> (length: Int, distance: Int) {
        data.withUnsafeBufferPointer { buffer in
            var finder = MatchFinder(bytes: buffer.baseAddress!, count: buffer.count)
            for q in 0..<p { _ = finder.insert(q) }
            let candidate = finder.insert(p)
            return finder.longestMatch(at: p, candidate: candidate, longerThan: shortest, chain: chain, nice: nice)
        }
    }

    @Test("a match exactly 32,768 back is found, 258 long; one 32,769 back is out of reach")
    func window() {
        let random = Inputs.random(32769, seed: 32768)
        let atLimit = Array(random.prefix(32768)) + random.prefix(300)
        #expect(search(atLimit, at: 32768) == (258, 32768))
        let beyond = random + random.prefix(300)
        let found = search(beyond, at: 32769)
        #expect(found.distance != 32769 && found.length < 10, "\(found)")
    }

    @Test("of equally long matches the nearest wins; only a longer one replaces it")
    func nearest() {
        let data = Array("abcXabcYabcZabc".utf8)
        #expect(search(data, at: 12) == (3, 4))
        #expect(search(data, at: 12, longerThan: 3) == (3, 0))
    }

    @Test("the chain limit, the nice length and the bytes ahead bound the search")
    func bounds() {
        // "abcdefgh" at 0, "abcQ" at 20, "abcdefgh" again at 40.
        var data = [UInt8](repeating: 0x2E, count: 48)
        data.replaceSubrange(0..<8, with: Array("abcdefgh".utf8))
        data.replaceSubrange(20..<24, with: Array("abcQ".utf8))
        data.replaceSubrange(40..<48, with: Array("abcdefgh".utf8))
        #expect(search(data, at: 40, chain: 1) == (3, 20))
        #expect(search(data, at: 40, chain: 2) == (8, 40))
        #expect(search(data, at: 40, chain: 2, nice: 3) == (3, 20))
        // Three bytes ahead: a match of at most 3; two ahead: none can be searched.
        #expect(search(Array(data.prefix(43)), at: 40) == (3, 20))
        // Zeros: distance 1, capped at 258.
        #expect(search([UInt8](repeating: 0, count: 1000), at: 1) == (258, 1))
        #expect(search([UInt8](repeating: 0, count: 100), at: 1) == (99, 1))
    }
}
