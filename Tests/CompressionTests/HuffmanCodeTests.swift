import Testing

@testable import Compression

struct HuffmanCodeTests {
    /// The Kraft sum of `lengths` in units of 2^-15: 32768 for a complete code.
    private func kraft(_ lengths: [UInt8]) -> Int {
        lengths.filter { $0 > 0 }.reduce(0) { $0 + 1 << (15 - Int($1)) }
    }

    /// The cost of an unlimited Huffman code: the sum of the weights of its internal nodes
    /// (two smallest merged, repeatedly).
    private func huffmanCost(_ frequencies: [UInt32]) -> Int {
        var weights = frequencies.filter { $0 > 0 }.map(Int.init).sorted()
        var cost = 0
        while weights.count > 1 {
            let merged = weights.removeFirst() + weights.removeFirst()
            cost += merged
            weights.insert(merged, at: weights.firstIndex { $0 > merged } ?? weights.count)
        }
        return cost
    }

    @Test("RFC 1951's example (section 3.2.2): lengths (3, 3, 3, 3, 3, 2, 4, 4) give 010 011 100 101 110 00 1110 1111")
    func canonicalCodes() {
        let code = HuffmanCode(lengths: [3, 3, 3, 3, 3, 2, 4, 4])
        let sent = zip(code.codes, code.lengths).map { HuffmanTable.reverse(Int($0), Int($1)) }
        #expect(sent == [0b010, 0b011, 0b100, 0b101, 0b110, 0b00, 0b1110, 0b1111])
        // The codes are stored reversed: the first bit sent is the lowest.
        #expect(code.codes[6] == 0b0111)
    }

    @Test("by hand: 1, 1, 2, 4 gives lengths 3, 3, 2, 1; limited to 2 bits, all 2")
    func byHand() {
        #expect(HuffmanCode.lengths([1, 1, 2, 4], limit: 15) == [3, 3, 2, 1])
        #expect(HuffmanCode.lengths([1, 1, 2, 4], limit: 2) == [2, 2, 2, 2])
        // 1, 1, 1, 3, 5: unlimited 4, 4, 3, 2, 1 (cost 22); at most 3 bits, 3, 3, 3, 3, 1
        // (cost 23; 3, 3, 2, 2, 2 would cost 24).
        #expect(HuffmanCode.lengths([1, 1, 1, 3, 5, 0], limit: 15) == [4, 4, 3, 2, 1, 0])
        #expect(HuffmanCode.lengths([1, 1, 1, 3, 5, 0], limit: 3) == [3, 3, 3, 3, 1, 0])
    }

    @Test("fewer than two symbols in use still make a complete code of two 1-bit codes")
    func degenerate() {
        #expect(HuffmanCode.lengths([0, 0, 0], limit: 15) == [1, 1, 0])
        #expect(HuffmanCode.lengths([0, 0, 7], limit: 15) == [1, 0, 1])
        #expect(HuffmanCode.lengths([9, 0, 0], limit: 15) == [1, 1, 0])
    }

    @Test("Fibonacci frequencies (a Huffman code 29 deep) are held to 15 bits, and to 7, with complete codes")
    func fibonacci() {
        var frequencies: [UInt32] = [1, 1]
        while frequencies.count < 30 { frequencies.append(frequencies[frequencies.count - 1] + frequencies[frequencies.count - 2]) }
        let unlimited = HuffmanCode.lengths(frequencies, limit: 15)
        #expect(unlimited.max() == 15)
        #expect(kraft(unlimited) == 32768)
        let seven = HuffmanCode.lengths(frequencies, limit: 7)
        #expect(seven.max() == 7 && kraft(seven) == 32768)
        // The rarest symbols get the longest codes.
        #expect(zip(seven, seven.dropFirst()).allSatisfy { $0 >= $1 })
    }

    @Test("optimal under the limit: the least cost of every assignment of lengths, 300 seeded alphabets of 2 to 7 symbols")
    func optimalAgainstBruteForce() {
        var rng = SplitMix64(seed: 1990)
        for _ in 0..<300 {
            let n = Int.random(in: 2...7, using: &rng)
            let frequencies = (0..<n).map { _ in UInt32.random(in: 1...(Bool.random(using: &rng) ? 10 : 1000), using: &rng) }
            let limit = Int.random(in: (n <= 2 ? 1 : n <= 4 ? 2 : 3)...4, using: &rng)
            let lengths = HuffmanCode.lengths(frequencies, limit: limit)
            let cost = zip(frequencies, lengths).reduce(0) { $0 + Int($1.0) * Int($1.1) }

            // Every vector of lengths 1…limit whose Kraft sum is at most 1.
            var best = Int.max
            var candidate = [Int](repeating: 1, count: n)
            while true {
                if candidate.reduce(0, { $0 + 1 << (limit - $1) }) <= 1 << limit {
                    best = min(best, zip(frequencies, candidate).reduce(0) { $0 + Int($1.0) * $1.1 })
                }
                var i = 0
                while i < n && candidate[i] == limit { candidate[i] = 1; i += 1 }
                if i == n { break }
                candidate[i] += 1
            }
            #expect(cost == best, "\(frequencies), limit \(limit): \(lengths)")
            #expect(lengths.allSatisfy { (1...limit).contains(Int($0)) } && kraft(lengths) == 32768)
        }
    }

    @Test("with room to spare, the cost is a plain Huffman code's: 100 seeded alphabets of 286 symbols")
    func unlimitedIsHuffman() {
        var rng = SplitMix64(seed: 1952)
        for _ in 0..<100 {
            let frequencies = (0..<286).map { _ in Bool.random(using: &rng) ? UInt32.random(in: 0...5000, using: &rng) : 0 }
            let code = HuffmanCode(frequencies: frequencies, limit: 15)
            #expect(code.cost(frequencies) == huffmanCost(frequencies))
            #expect(kraft(code.lengths) == 32768)
        }
    }

    @Test("the code lengths decode: every code built here makes a decoder table without a defect")
    func decodable() {
        var rng = SplitMix64(seed: 7)
        var table = HuffmanTable(.literalLength)
        for _ in 0..<100 {
            let frequencies = (0..<286).map { _ in UInt32.random(in: 0...3, using: &rng) == 0 ? UInt32.random(in: 1...1_000_000, using: &rng) : 0 }
            #expect(table.build(HuffmanCode(frequencies: frequencies, limit: 15).lengths[...]) == nil)
        }
    }

    @Test("the two ways agree: a Huffman code within the limit costs what package-merge's does; one too deep is left to package-merge")
    func huffmanOrPackageMerge() {
        var rng = SplitMix64(seed: 1976)
        var tooDeep = 0
        for _ in 0..<300 {
            let n = Int.random(in: 2...286, using: &rng)
            let frequencies = (0..<n).map { _ in UInt32.random(in: 1...(Bool.random(using: &rng) ? 3 : 100_000), using: &rng) }
            let keys = frequencies.enumerated().map { UInt64($0.element) << 32 | UInt64($0.offset) }.sorted()
            let limit = Int.random(in: 9...15, using: &rng)  // 2^9 ≥ 286 symbols

            let merged = HuffmanCode.packageMergeDepths(keys, limit: limit)
            let cost = { (depths: [UInt8]) in zip(keys, depths).reduce(0) { $0 + Int($1.0 >> 32) * Int($1.1) } }
            if let huffman = HuffmanCode.huffmanDepths(keys, limit: limit) {
                #expect(cost(huffman) == cost(merged), "\(n) symbols, limit \(limit)")
                #expect(huffman.max()! <= limit && kraft(huffman) == 32768)
            } else {
                tooDeep += 1
            }
        }
        #expect(tooDeep > 0 && tooDeep < 300, "\(tooDeep) of 300 too deep for their limit")
        // Fibonacci frequencies: a Huffman code 29 deep, so package-merge makes the code.
        var fibonacci: [UInt32] = [1, 1]
        while fibonacci.count < 30 { fibonacci.append(fibonacci[fibonacci.count - 1] + fibonacci[fibonacci.count - 2]) }
        let keys = fibonacci.enumerated().map { UInt64($0.element) << 32 | UInt64($0.offset) }.sorted()
        #expect(HuffmanCode.huffmanDepths(keys, limit: 15) == nil)
        #expect(HuffmanCode.huffmanDepths(keys, limit: 29)?.max() == 29)
    }
}
