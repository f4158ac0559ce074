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

    /// The optimal lengths for `frequencies` under `limit`. A plain Huffman code that is
    /// no deeper than the limit is optimal under it too, and is used when there is one
    /// (almost every block: deflate's limit of 15 bits is seldom reached); else the lengths
    /// come from package-merge. Both start from the symbols in use sorted by frequency,
    /// ties by symbol, each as one integer (frequency above, symbol below).
    static func lengths(_ frequencies: [UInt32], limit: Int) -> [UInt8] {
        var lengths = [UInt8](repeating: 0, count: frequencies.count)
        var keys: [UInt64] = []
        for (symbol, frequency) in frequencies.enumerated() where frequency > 0 { keys.append(UInt64(frequency) << 32 | UInt64(symbol)) }
        if keys.count < 2 {
            precondition(frequencies.count >= 2, "HuffmanCode: an alphabet of fewer than two symbols")
            let used = keys.first.map { Int(truncatingIfNeeded: $0 & 0xFFFF_FFFF) } ?? 0
            lengths[used] = 1
            lengths[used == 0 ? 1 : 0] = 1
            return lengths
        }
        precondition(limit <= 15 && 1 << limit >= keys.count, "HuffmanCode: \(keys.count) symbols do not fit in codes of \(limit) bits")
        keys.sort()
        let depths = huffmanDepths(keys, limit: limit) ?? packageMergeDepths(keys, limit: limit)
        for (key, depth) in zip(keys, depths) { lengths[Int(truncatingIfNeeded: key & 0xFFFF_FFFF)] = depth }
        return lengths
    }

    /// The depth of each leaf of a Huffman tree for the sorted `keys` (their frequencies),
    /// or nil if one is deeper than `limit`. Van Leeuwen's two queues (1976): the leaves
    /// in order, and the nodes made, which come out in order too; each step joins the two
    /// lightest of either, a leaf first on a tie. O(n) after the sort.
    static func huffmanDepths(_ keys: [UInt64], limit: Int) -> [UInt8]? {
        let n = keys.count
        // Nodes 0..<n are the leaves, n..<2n − 1 the joined ones in the order made.
        var weight = [UInt64](repeating: 0, count: 2 * n - 1)
        var parent = [Int32](repeating: 0, count: 2 * n - 1)
        for i in 0..<n { weight[i] = keys[i] >> 32 }
        var leaf = 0, joined = n  // The next leaf and the next joined node to take.
        var next = n  // The next node to make.
        // The lightest of the next leaf and the next joined node, the leaf on a tie.
        func take() -> Int {
            if leaf < n && (joined == next || weight[leaf] <= weight[joined]) {
                leaf += 1
                return leaf - 1
            }
            joined += 1
            return joined - 1
        }
        for _ in 0..<(n - 1) {
            let (a, b) = (take(), take())
            weight[next] = weight[a] + weight[b]
            (parent[a], parent[b]) = (Int32(next), Int32(next))
            next += 1
        }
        // Depths from the root (the last node made) down: a parent is made after its children.
        var depth = [UInt8](repeating: 0, count: 2 * n - 1)
        for node in stride(from: 2 * n - 3, through: 0, by: -1) {
            let d = depth[Int(parent[node])] + 1
            if d > limit { return nil }
            depth[node] = d
        }
        return Array(depth[0..<n])
    }

    /// Package-merge, as the coin collector's problem: each symbol in use is a coin of each
    /// denomination 2^-1 … 2^-limit, worth its frequency; the cheapest set of coins adding
    /// up to n − 1 (for n symbols) gives each symbol the length of how many of its coins are
    /// in the set. Computed as: start from the symbols sorted by frequency (`keys`);
    /// `limit − 1` times, pair neighbours into packages (their weights added) and merge the
    /// packages into the sorted symbols; then the first 2n − 2 items of the last list are
    /// the chosen coins, and each symbol's length is the number of times it occurs in them,
    /// counted by walking the packages down to their leaves. A list has n symbols and at
    /// most n − 1 packages (n + ⌊previous / 2⌋ < 2n), so the work is O(n · limit): for 286
    /// symbols and 15 levels, under 9,000 nodes per code. Returns the lengths in `keys`' order.
    static func packageMergeDepths(_ keys: [UInt64], limit: Int) -> [UInt8] {
        // Nodes 0..<n are the symbols in that order (leaf i is keys[i]); packages are
        // appended after, at most n − 1 per level.
        let n = keys.count
        let wanted = 2 * n - 2
        let capacity = n + (limit - 1) * (n - 1)
        var weight = [UInt64](repeating: 0, count: capacity)
        var left = [Int32](repeating: -1, count: capacity), right = [Int32](repeating: -1, count: capacity)
        var list = [Int32](repeating: 0, count: 2 * n), merged = [Int32](repeating: 0, count: 2 * n)
        for i in 0..<n {
            weight[i] = keys[i] >> 32
            list[i] = Int32(i)
        }
        var nodes = n, listCount = n
        for _ in 1..<limit {
            let pairs = listCount / 2
            var leaf = 0, pair = 0, count = 0
            while leaf < n || pair < pairs {
                if pair < pairs {
                    let a = Int(list[2 * pair]), b = Int(list[2 * pair + 1])
                    let packageWeight = weight[a] + weight[b]
                    if leaf < n && weight[leaf] <= packageWeight {
                        merged[count] = Int32(leaf)
                        leaf += 1
                    } else {
                        weight[nodes] = packageWeight
                        (left[nodes], right[nodes]) = (Int32(a), Int32(b))
                        merged[count] = Int32(nodes)
                        nodes += 1
                        pair += 1
                    }
                } else {
                    merged[count] = Int32(leaf)
                    leaf += 1
                }
                count += 1
            }
            swap(&list, &merged)
            listCount = count
        }

        assert(listCount >= wanted, "HuffmanCode: package-merge ran short of items")
        var depths = [UInt8](repeating: 0, count: n)
        var stack = Array(list[0..<wanted])
        while let node = stack.popLast().map(Int.init) {
            if node < n {
                depths[node] += 1
            } else {
                stack.append(left[node])
                stack.append(right[node])
            }
        }
        return depths
    }
}
