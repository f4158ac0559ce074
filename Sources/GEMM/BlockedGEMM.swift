/// The driver: loops 5, 4 and 3 of Goto's algorithm as BLIS arranges them, with the
/// packing between them and the work shared out among threads.
///
///     loop 5  for jc in 0..<n by NC          C[:, jc…] and op(B)[:, jc…]
///     loop 4    for pc in 0..<k by ≤ KC      pack B̃ = op(B)[pc…, jc…]     (KC × NC, in L3)
///     loop 3      for ic in 0..<m by MC      pack Ã = op(A)[ic…, pc…]     (MC × KC, in L2)
///     loop 2        for jr in 0..<NC by NR   MacroKernel
///     loop 1          for ir in 0..<MC by MR   MicroKernel: C[ic+ir…, jc+jr…] (MR × NR, in registers)
///
/// Threads share loop 3: its row blocks (and, when there are fewer blocks than workers,
/// parts of loop 2's columns as well) are items that free workers take, each with its own
/// Ã buffer, unless A came packed already (`PackedMatrix`); B̃ is packed by all of them
/// together first. No item's result depends on who
/// computes it or on how rows are blocked, because every tile starts at a multiple of MR
/// and NR and every sum runs over k in the same KC-sized passes: the values of C are the
/// same whatever the thread count.
enum BlockedGEMM {
    /// Below this many floating-point operations per extra thread, waking a thread costs
    /// more than it saves.
    static let minimumFlopsPerThread = 1 << 21

    /// op(A) as the driver receives it: to be packed block by block, or packed already.
    enum LeftOperand {
        case strided(StridedMatrix)
        case packed(PackedMatrix)
    }

    static func multiply(
        _ kernel: GEMMKernel, _ blocking: CacheBlocking, m: Int, n: Int, k: Int,
        alpha: Float, a: LeftOperand, b: StridedMatrix,
        beta: Float, c: OutputMatrix, threads: Int
    ) {
        guard m > 0, n > 0 else { return }
        guard k > 0, alpha != 0 else { return scale(c, rows: m, columns: n, by: beta) }

        let mr = GEMMKernel.rows, nr = kernel.columns
        let mc = blocking.mc, nc = blocking.nc
        let flops = 2.0 * Double(m) * Double(n) * Double(k)
        let workers = max(1, min(threads, Int(flops / Double(minimumFlopsPerThread))))

        // Loop 3's row blocks: at most MC rows, as even as MR allows, enough for every worker.
        var rowBlocks = ceilDiv(m, mc)
        var columnParts = 1
        if rowBlocks >= workers {
            rowBlocks = ceilDiv(rowBlocks, workers) * workers
        } else {
            columnParts = ceilDiv(workers, rowBlocks)  // Too few rows to go round: split columns too.
        }
        let blockRows = ceilDiv(ceilDiv(m, rowBlocks), mr) * mr
        rowBlocks = ceilDiv(m, blockRows)

        let passDepth = CacheBlocking.passDepth(k)
        let packedBuffer = AlignedBuffer(count: passDepth * ceilDiv(min(nc, n), nr) * nr)
        // Each worker packs its blocks of A into its own part of one buffer, on lines of its own.
        let blockFloats = AlignedBuffer.cacheLines(blockRows * passDepth)
        let packsA = if case .strided = a { true } else { false }
        let packedABuffer = AlignedBuffer(count: packsA ? workers * blockFloats : 0)
        packedBuffer.withUnsafeMutableBufferPointer { packedB in
            packedABuffer.withUnsafeMutableBufferPointer { packedA in
                // Workers read B̃ once it is packed, and write only their own part of Ã.
                nonisolated(unsafe) let (packedB, packedA) = (packedB, packedA)
                for jc in stride(from: 0, to: n, by: nc) {                                    // loop 5
                    let width = min(nc, n - jc)
                    let panels = ceilDiv(width, nr)
                    for pc in stride(from: 0, to: k, by: passDepth) {                         // loop 4
                        let depth = min(passDepth, k - pc)
                        let betaHere = pc == 0 ? beta : 1
                        let bBlock = b.offset(row: pc, column: jc)
                        let panelsPerChunk = ceilDiv(panels, workers)
                        shareWork(items: ceilDiv(panels, panelsPerChunk), workers: workers) { _, chunk in
                            let first = chunk * panelsPerChunk * nr
                            kernel.pack(
                                bBlock, depth: depth, columns: first..<min(width, first + panelsPerChunk * nr),
                                width: width, panelWidth: nr, into: packedB)
                        }

                        let parts = min(columnParts, panels)
                        let panelsPerPart = ceilDiv(panels, parts)
                        shareWork(items: rowBlocks * parts, workers: workers) { worker, item in  // loop 3
                            let ic = (item / parts) * blockRows
                            let rows = min(blockRows, m - ic)
                            let firstColumn = (item % parts) * panelsPerPart * nr
                            let columns = firstColumn..<min(width, firstColumn + panelsPerPart * nr)
                            guard !columns.isEmpty else { return }
                            func multiply(_ aBlock: UnsafeBufferPointer<Float>) {
                                let target = c.offset(row: ic, column: jc)
                                kernel.macroKernel(
                                    depth, aBlock, rows, UnsafeBufferPointer(packedB), columns,
                                    alpha, betaHere, target.base, target.ld)
                            }
                            switch a {
                            case .strided(let a):
                                let block = packedA.extracting(worker * blockFloats..<(worker + 1) * blockFloats)
                                kernel.pack(
                                    a.offset(row: ic, column: pc).transposed, depth: depth, columns: 0..<rows,
                                    width: rows, panelWidth: mr, into: block)
                                multiply(UnsafeBufferPointer(block))
                            case .packed(let a):
                                a.withPanels(pass: pc, row: ic, multiply)
                            }
                        }
                    }
                }
            }
        }
    }

    /// C = beta · C, where no product is needed (k = 0 or alpha = 0); beta == 0 writes zeros.
    private static func scale(_ c: OutputMatrix, rows: Int, columns: Int, by beta: Float) {
        for i in 0..<rows {
            let row = c.base + i * c.ld
            if beta == 0 {
                row.update(repeating: 0, count: columns)
            } else {
                for j in 0..<columns { row[j] *= beta }
            }
        }
    }
}

/// ⌈x / y⌉ for x ≥ 0, y > 0.
@inline(__always)
func ceilDiv(_ x: Int, _ y: Int) -> Int { (x + y - 1) / y }
