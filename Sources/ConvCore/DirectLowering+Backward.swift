import GEMM

extension DirectLowering {
    /// The weight gradient's partial sums (eight lanes per weight, per chunk) stay under
    /// this many bytes.
    static let partialSumsLimitBytes = 16 << 20

    /// The backward pass of the direct and depthwise algorithms, from the same gathered
    /// rows as the forward pass:
    ///
    ///     ∂L/∂w[o, c, i, j] = Σ over images and output rows y of
    ///                         Σ_x ∂L/∂out[o, y, x] · row(c, y·s − p + i·d)[tap j at x]
    ///     ∂L/∂in row r      = Σ over (i, y) with y·s − p + i·d = r, o, j of
    ///                         w[o, c, i, j] · ∂L/∂out[o, y, ·] placed at tap j's run
    ///
    /// The weight gradient is each weight's dot product with the output gradient over
    /// every position it was used at (weight sharing in the chain rule, eight positions
    /// per vector), summed in chunks of (image, row) fixed by the shape alone and added
    /// in chunk order. The input gradient is computed row by row into a `PhasedRow`
    /// (the mirror of the gather), each row by one worker. So the values do not depend
    /// on the thread count. With `dx` nil the input gradient is not computed.
    func backward(batch: Int, _ x: UnsafeBufferPointer<Float>, _ w: UnsafeBufferPointer<Float>, _ dy: UnsafeBufferPointer<Float>,
                  _ dx: UnsafeMutableBufferPointer<Float>?, _ dw: UnsafeMutableBufferPointer<Float>, threads: Int) {
        weightGradient(batch: batch, x, dy, dw, threads: threads)
        if let dx { inputGradient(batch: batch, w, dy, dx, threads: threads) }
    }

    /// Floats of one output row, rounded up to whole vectors (zeros past the row's end).
    private var paddedOutputWidth: Int { (geometry.width.output + 7) / 8 * 8 }

    /// Copies output row `y` of channel `channel` of `image` into `target`, zeros after it.
    private func copyOutputRow(_ dy: UnsafeBufferPointer<Float>, image: Int, channel: Int, row y: Int, into target: UnsafeMutablePointer<Float>) {
        let width = geometry.width.output
        let start = ((image * groups * outPerGroup + channel) * geometry.height.output + y) * width
        target.update(from: dy.baseAddress! + start, count: width)
        (target + width).update(repeating: 0, count: paddedOutputWidth - width)
    }

    private func weightGradient(batch: Int, _ x: UnsafeBufferPointer<Float>, _ dy: UnsafeBufferPointer<Float>,
                                _ dw: UnsafeMutableBufferPointer<Float>, threads: Int) {
        let outRows = geometry.height.output
        let weights = dw.count
        let pieces = batch * outRows
        let chunks = max(1, min(pieces, 4 * 16, Self.partialSumsLimitBytes / max(1, weights * MemoryLayout<SIMD8<Float>>.stride)))
        let workers = max(1, min(threads, chunks))
        let scratchStride = AlignedBuffer.cacheLines(workspaceFloats + paddedOutputWidth)
        let scratch = AlignedBuffer(count: workers * scratchStride)
        var partials = [SIMD8<Float>](repeating: SIMD8(), count: chunks * weights)
        partials.withUnsafeMutableBufferPointer { partials in
            scratch.withUnsafeMutableBufferPointer { scratch in
                // Workers read x and dy, and write their own scratch and their chunk's partial sums.
                nonisolated(unsafe) let (x, dy, partials, scratch) = (x, dy, partials, scratch)
                shareWork(items: chunks, workers: workers) { worker, chunk in
                    let rows = scratch.extracting(worker * scratchStride..<worker * scratchStride + workspaceFloats)
                    let dyRow = scratch.baseAddress! + worker * scratchStride + workspaceFloats
                    let sums = partials.baseAddress! + chunk * weights
                    for piece in (chunk * pieces / chunks)..<((chunk + 1) * pieces / chunks) {
                        let (image, outRow) = piece.quotientAndRemainder(dividingBy: outRows)
                        for group in 0..<groups {
                            gatherRows(x, image: image, group: group, outputRow: outRow, into: rows)
                            for o in 0..<outPerGroup {
                                let channel = group * outPerGroup + o
                                copyOutputRow(dy, image: image, channel: channel, row: outRow, into: dyRow)
                                for (t, tap) in taps.enumerated() {
                                    var sum = sums[channel * kernelTaps + t]
                                    let run = UnsafeRawPointer(rows.baseAddress! + tap)
                                    for v in stride(from: 0, to: paddedOutputWidth, by: 8) {
                                        sum = multiplyAdd(sum, UnsafeRawPointer(dyRow + v).loadUnaligned(as: SIMD8<Float>.self),
                                                                            run.loadUnaligned(fromByteOffset: 4 * v, as: SIMD8<Float>.self))
                                    }
                                    sums[channel * kernelTaps + t] = sum
                                }
                            }
                        }
                    }
                }
            }
            for chunk in 0..<chunks {
                for index in 0..<weights { dw[index] += partials[chunk * weights + index].sum() }
            }
        }
    }

    private func inputGradient(batch: Int, _ w: UnsafeBufferPointer<Float>, _ dy: UnsafeBufferPointer<Float>,
                               _ dx: UnsafeMutableBufferPointer<Float>, threads: Int) {
        let (h, inRows) = (geometry.height, geometry.height.input)
        let kw = geometry.width.kernel
        let rowsFloats = inPerGroup * row.floats
        let scratchStride = AlignedBuffer.cacheLines(rowsFloats + paddedOutputWidth)
        let workers = max(1, min(threads, batch * inRows))
        let scratch = AlignedBuffer(count: workers * scratchStride)
        let tapOffsets = (0..<kw).map(row.tapOffset)
        scratch.withUnsafeMutableBufferPointer { scratch in
            // Workers read w and dy, and write their own scratch and disjoint rows of dx.
            nonisolated(unsafe) let (w, dy, dx, scratch) = (w, dy, dx, scratch)
            shareWork(items: batch * inRows, workers: workers) { worker, item in
                let (image, inRow) = item.quotientAndRemainder(dividingBy: inRows)
                let rows = scratch.baseAddress! + worker * scratchStride
                let dyRow = rows + rowsFloats
                for group in 0..<groups {
                    rows.update(repeating: 0, count: rowsFloats)
                    for i in 0..<h.kernel {
                        let (outRow, remainder) = (inRow + h.padBefore - i * h.dilation).quotientAndRemainder(dividingBy: h.stride)
                        guard remainder == 0, outRow >= 0, outRow < h.output else { continue }
                        for o in 0..<outPerGroup {
                            let channel = group * outPerGroup + o
                            copyOutputRow(dy, image: image, channel: channel, row: outRow, into: dyRow)
                            for c in 0..<inPerGroup {
                                let kernelRow = ((channel * inPerGroup + c) * h.kernel + i) * kw
                                for j in 0..<kw {
                                    let weight = SIMD8<Float>(repeating: w[kernelRow + j])
                                    let run = UnsafeMutableRawPointer(rows + c * row.floats + tapOffsets[j])
                                    for v in stride(from: 0, to: paddedOutputWidth, by: 8) {
                                        let sum = multiplyAdd(run.loadUnaligned(fromByteOffset: 4 * v, as: SIMD8<Float>.self), weight,
                                                                                UnsafeRawPointer(dyRow + v).loadUnaligned(as: SIMD8<Float>.self))
                                        run.storeBytes(of: sum, toByteOffset: 4 * v, as: SIMD8<Float>.self)
                                    }
                                }
                            }
                        }
                    }
                    for c in 0..<inPerGroup {
                        let plane = ((image * groups + group) * inPerGroup + c) * inputPlane
                        row.scatter(rows + c * row.floats, into: dx.baseAddress! + plane + inRow * geometry.width.input)
                    }
                }
            }
        }
    }
}
