/// A canonical Huffman code for the encoder (RFC 1951, section 3.2.2): each symbol's code
/// length, chosen from the symbols' frequencies so that the coded size is the least
/// possible with no code longer than a limit, and the codes themselves, bit-reversed for
/// the `BitWriter` (deflate sends Huffman codes most significant bit first).
///
/// The limits are deflate's: 15 bits for the literal/length and distance codes, 7 for the
/// code length code (section 3.2.7). A plain Huffman code can be deeper than that (a
/// Fibonacci-like run of frequencies makes a code of n symbols n − 1 deep), so the lengths
/// come from package-merge (Larmore and Hirschberg, "A fast algorithm for optimal
/// length-limited Huffman codes", JACM 37(3), 1990), which gives an optimal code under
/// the limit, where zlib builds a Huffman tree and then moves overlong leaves up by a
/// heuristic (`gen_bitlen` in `trees.c`) that is close to optimal but not always at it.
///
/// Every code built from frequencies is complete (its Kraft sum is exactly 1): with fewer
/// than two symbols in use, the one in use (if any) and symbol 0 or 1 get one bit each, as
/// zlib's `build_tree` forces two codes. A strict decoder accepts any complete code, and
/// the code length code must be complete.
struct HuffmanCode {
    /// The code length of each symbol; 0 for a symbol that has no code.
    let lengths: [UInt8]
    /// Each symbol's code, its `lengths[s]` bits in the order they are sent (reversed).
    let codes: [UInt16]

    /// The canonical code with these lengths (section 3.2.2): codes of one length are
    /// consecutive integers in symbol order, shorter codes before longer ones.
    init(lengths: [UInt8]) {
        self.lengths = lengths
        var counts = [Int](repeating: 0, count: 16)
        for length in lengths { counts[Int(length)] += 1 }
        counts[0] = 0
        var next = [Int](repeating: 0, count: 16)
        var code = 0
        for length in 1...15 {
            code = (code + counts[length - 1]) << 1
            next[length] = code
        }
        var codes = [UInt16](repeating: 0, count: lengths.count)
        for (symbol, length) in lengths.enumerated() where length > 0 {
            codes[symbol] = UInt16(HuffmanTable.reverse(next[Int(length)], Int(length)))
            next[Int(length)] += 1
        }
        self.codes = codes
    }

    /// The optimal code for `frequencies` (one per symbol) with no code longer than `limit`.
    ///
    /// - Precondition: `2^limit` is at least the number of symbols in use, and `limit <= 15`.
    init(frequencies: [UInt32], limit: Int) {
        self.init(lengths: Self.lengths(frequencies, limit: limit))
        assert(zip(frequencies, lengths).allSatisfy { $0 == 0 || $1 > 0 }, "HuffmanCode: a symbol in use has no code")
    }

    /// The bits needed to send symbols with these frequencies in this code (extra bits not
    /// included).
    func cost(_ frequencies: [UInt32]) -> Int {
        zip(frequencies, lengths).reduce(0) { $0 + Int($1.0) * Int($1.1) }
    }

    /// Package-merge, as the coin collector's problem: each symbol in use is a coin of each
    /// denomination 2^-1 … 2^-limit, worth its frequency; the cheapest set of coins adding
    /// up to n − 1 (for n symbols) gives each symbol the length of how many of its coins are
    /// in the set. Computed as: start from the symbols sorted by frequency; `limit − 1` times,
    /// pair neighbours into packages (their weights added) and merge the packages into the
    /// sorted symbols; then the first 2n − 2 items of the last list are the chosen coins, and
    /// each symbol's length is the number of times it occurs in them, counted by walking
    /// the packages down to their leaves. A list has n symbols and at most n − 1 packages
    /// (n + ⌊previous / 2⌋ < 2n), so the work is O(n · limit): for 286 symbols and 15
    /// levels, under 9,000 nodes per code.
    static func lengths(_ frequencies: [UInt32], limit: Int) -> [UInt8] {
        var lengths = [UInt8](repeating: 0, count: frequencies.count)
        var symbols = frequencies.indices.filter { frequencies[$0] > 0 }
        if symbols.count < 2 {
            precondition(frequencies.count >= 2, "HuffmanCode: an alphabet of fewer than two symbols")
            let used = symbols.first ?? 0
            lengths[used] = 1
            lengths[used == 0 ? 1 : 0] = 1
            return lengths
        }
        precondition(limit <= 15 && 1 << limit >= symbols.count, "HuffmanCode: \(symbols.count) symbols do not fit in codes of \(limit) bits")
        symbols.sort { (frequencies[$0], $0) < (frequencies[$1], $1) }

        // Nodes 0..<n are the symbols (leaf i is symbols[i]); packages are appended after.
        let n = symbols.count
        let wanted = 2 * n - 2
        var weight = symbols.map { UInt64(frequencies[$0]) }
        var children: [(Int, Int)] = Array(repeating: (-1, -1), count: n)
        var list = Array(0..<n)
        for _ in 1..<limit {
            let pairs = list.count / 2
            var merged: [Int] = []
            merged.reserveCapacity(n + pairs)
            var leaf = 0, pair = 0
            while leaf < n || pair < pairs {
                if pair < pairs {
                    let a = list[2 * pair], b = list[2 * pair + 1]
                    let packageWeight = weight[a] + weight[b]
                    if leaf < n && weight[leaf] <= packageWeight {
                        merged.append(leaf)
                        leaf += 1
                    } else {
                        merged.append(weight.count)
                        weight.append(packageWeight)
                        children.append((a, b))
                        pair += 1
                    }
                } else {
                    merged.append(leaf)
                    leaf += 1
                }
            }
            list = merged
        }

        assert(list.count >= wanted, "HuffmanCode: package-merge ran short of items")
        var stack = Array(list.prefix(wanted))
        while let node = stack.popLast() {
            if node < n {
                lengths[symbols[node]] += 1
            } else {
                stack.append(children[node].0)
                stack.append(children[node].1)
            }
        }
        return lengths
    }
}
