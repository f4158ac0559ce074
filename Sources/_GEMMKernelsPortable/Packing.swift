/// Packing: copying a block of A or B into the order the micro-kernel reads it, so that
/// the kernel's loads are contiguous, aligned and free of bounds checks.
///
/// Both operands pack the same way, seen from the right side. A block of op(B),
/// depth × width, becomes panels of NR columns; each panel is stored step of k by step
/// of k, NR floats per step. A block of op(A), height × depth, becomes panels of MR rows,
/// MR floats per step of k: that is the same as packing op(A)ᵀ, depth × height, into
/// panels of MR columns. A panel past the edge of the matrix is padded with zeros.
///
///     op(B) block (depth × width)        packed B̃: panel after panel
///     ┌──────────┬──────────┬───         ┌─ panel 0 ──────────────────┐┌─ panel 1 ─
///     │ b00..b0F │ b0G..    │            │ b00..b0F b10..b1F b20..b2F ││ b0G.. b1G..
///     │ b10..b1F │          │            └────────────────────────────┘└───────────
///     │  ...     │          │             NR floats per step of k, depth steps
///
/// Packing is copying, so every kernel target's gives the same floats; each has its own so
/// that the copies use its vectors (the GEMM module is compiled with no flags).
package enum Packing {
    /// Packs columns `columns` of the depth × width view `x` into panels of `panelWidth`
    /// columns, writing panel `q` at `packed[q · panelWidth · depth]`. The view's element
    /// (p, j) is at `base[p · rowStride + j · columnStride]`.
    /// - Precondition: `columns.lowerBound` is a multiple of `panelWidth`, and `packed`
    ///   holds every panel the columns touch.
    package static func packPanels(
        of base: UnsafePointer<Float>, rowStride: Int, columnStride: Int,
        depth: Int, columns: Range<Int>, width: Int, panelWidth: Int,
        into buffer: UnsafeMutableBufferPointer<Float>
    ) {
        guard !columns.isEmpty else { return }
        precondition(columns.lowerBound % panelWidth == 0, "Packing: columns start inside a panel")
        precondition((columns.upperBound + panelWidth - 1) / panelWidth * panelWidth * depth <= buffer.count,
                     "Packing: \(buffer.count) floats cannot hold panels up to column \(columns.upperBound) of depth \(depth)")
        let packed = buffer.baseAddress!
        for panelStart in stride(from: columns.lowerBound, to: columns.upperBound, by: panelWidth) {
            let panel = packed + panelStart * depth
            let filled = min(panelWidth, width - panelStart)
            if columnStride == 1 {
                // Rows of the view are contiguous: copy `filled` floats per step of k.
                for p in 0..<depth {
                    let source = base + p * rowStride + panelStart
                    let target = panel + p * panelWidth
                    copy(filled, from: source, to: target)
                    (target + filled).update(repeating: 0, count: panelWidth - filled)
                }
            } else {
                // Columns of the view are contiguous (a transposed operand) or neither is.
                // Where they are, eight columns by eight steps of k are moved at once as an
                // 8 × 8 transpose in registers; the rest walk each column down k.
                let (simdColumns, simdDepth) = rowStride == 1 ? (filled / 8 * 8, depth / 8 * 8) : (0, 0)
                for group in stride(from: 0, to: simdColumns, by: 8) {
                    let source = base + (panelStart + group) * columnStride
                    for p in stride(from: 0, to: simdDepth, by: 8) {
                        transpose8x8(from: source + p, stride: columnStride, to: panel + p * panelWidth + group, stride: panelWidth)
                    }
                }
                for j in 0..<filled {
                    let source = base + (panelStart + j) * columnStride
                    for p in (j < simdColumns ? simdDepth : 0)..<depth {
                        panel[p * panelWidth + j] = source[p * rowStride]
                    }
                }
                for p in 0..<depth {
                    (panel + p * panelWidth + filled).update(repeating: 0, count: panelWidth - filled)
                }
            }
        }
    }

    /// Eight rows of eight floats, `stride` apart, written as eight columns: row r of the
    /// source becomes column r of the target. Three perfect unshuffles (each taking the
    /// even elements of the 64, then the odd) rotate an element's 6-bit index (r, c) by
    /// three bits to (c, r): 24 shuffles instead of 64 scalar loads and stores, about four
    /// times as fast on the weight gradient's transposed operands.
    @inline(__always)
    private static func transpose8x8(
        from source: UnsafePointer<Float>, stride sourceStride: Int,
        to target: UnsafeMutablePointer<Float>, stride targetStride: Int
    ) {
        typealias Rows = (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)
        func row(_ r: Int) -> SIMD8<Float> { UnsafeRawPointer(source + r * sourceStride).loadUnaligned(as: SIMD8<Float>.self) }
        func unshuffle(_ v: Rows) -> Rows {
            let (a, b) = (SIMD16(lowHalf: v.0, highHalf: v.1), SIMD16(lowHalf: v.2, highHalf: v.3))
            let (c, d) = (SIMD16(lowHalf: v.4, highHalf: v.5), SIMD16(lowHalf: v.6, highHalf: v.7))
            return (a.evenHalf, b.evenHalf, c.evenHalf, d.evenHalf, a.oddHalf, b.oddHalf, c.oddHalf, d.oddHalf)
        }
        let t = unshuffle(unshuffle(unshuffle((row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7)))))
        func store(_ r: Int, _ value: SIMD8<Float>) {
            UnsafeMutableRawPointer(target + r * targetStride).storeBytes(of: value, as: SIMD8<Float>.self)
        }
        store(0, t.0); store(1, t.1); store(2, t.2); store(3, t.3); store(4, t.4); store(5, t.5); store(6, t.6); store(7, t.7)
    }

    /// Copies `count` floats eight at a time: a panel row is only 16 or 6 floats, too
    /// short for a call to `memmove` to pay for itself.
    @inline(__always)
    private static func copy(_ count: Int, from source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>) {
        var j = 0
        while j + 8 <= count {
            UnsafeMutableRawPointer(target + j).storeBytes(of: UnsafeRawPointer(source + j).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
            j += 8
        }
        while j < count {
            target[j] = source[j]
            j += 1
        }
    }
}
