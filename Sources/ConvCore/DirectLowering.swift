import GEMM

/// One layer on one input geometry, computed straight from the definition, vectorized
/// along the output row: the `direct` and `depthwise` algorithms.
///
/// For each image and group, output row by output row: the input rows the kernel reads
/// (C/G channels × kh taps, rows y·s − p + i·d, zeros outside the image) are gathered
/// as `PhasedRow`s into a ring (`ringRows`), each once for all the output rows that read
/// it; then each block of output channels (four for `direct`, one for
/// `depthwise`) sweeps the row in strips (`DirectStrip`), every weight broadcast once
/// per strip. No im2col: each gathered row serves every output channel of its group and
/// every tap of the kernel along it. The bias is the sums' starting value, not a pass
/// of its own.
///
/// Each output is computed by one worker in one order (the bias, then the taps in (c, i,
/// j) order), so the values do not depend on the thread count.
struct DirectLowering {
    let geometry: ConvGeometry
    let groups: Int
    let inPerGroup: Int
    let outPerGroup: Int
    let row: PhasedRow
    /// Output channels per kernel block and outputs per strip.
    let block: (channels: Int, outputs: Int)
    /// Per tap (c, i, j) of a group's kernel: where its run starts in the gathered rows.
    let taps: [Int]

    init(_ conv: Conv2D, _ geometry: ConvGeometry, algorithm: ConvAlgorithm) {
        self.geometry = geometry
        groups = conv.groups
        inPerGroup = conv.inChannels / conv.groups
        outPerGroup = conv.outChannels / conv.groups
        block = algorithm == .depthwise || outPerGroup < DirectStrip.fourChannels.channels ? DirectStrip.oneChannel : DirectStrip.fourChannels
        row = PhasedRow(geometry.width, strip: Self.strip)
        let (h, w, row) = (geometry.height, geometry.width, row)
        var taps: [Int] = []
        taps.reserveCapacity(inPerGroup * h.kernel * w.kernel)
        for c in 0..<inPerGroup {
            for i in 0..<h.kernel {
                for j in 0..<w.kernel { taps.append((c * h.kernel + i) * row.floats + row.tapOffset(j)) }
            }
        }
        self.taps = taps
    }

    /// The longest strip of either block: rows are laid out for it whatever the block.
    static let strip = max(DirectStrip.fourChannels.outputs, DirectStrip.oneChannel.outputs)

    /// Floats of gathered rows per worker: C/G channels × kh rows (the backward pass), or
    /// C/G × `ringRows` (the forward pass).
    var workspaceFloats: Int { inPerGroup * geometry.height.kernel * row.floats }
    var ringFloats: Int { inPerGroup * ringRows * row.floats }

    /// The scratch one worker needs in either pass, in bytes, or `Int.max` when it cannot be counted.
    static func workspaceBytes(geometry: ConvGeometry, inPerGroup: Int) -> Int {
        let row = PhasedRow(geometry.width, strip: strip)
        return checkedProduct(checkedProduct(checkedProduct(inPerGroup, geometry.height.span), row.floats), MemoryLayout<Float>.stride) ?? .max
    }

    var inputPlane: Int { geometry.height.input * geometry.width.input }
    var outputPlane: Int { geometry.positions }
    var kernelTaps: Int { taps.count }

    /// Gathers the input rows that output row `y` of `image` reads in `group`: per channel
    /// c and tap row i, at row c · kh + i of `rows`.
    func gatherRows(_ x: UnsafeBufferPointer<Float>, image: Int, group: Int, outputRow y: Int, into rows: UnsafeMutableBufferPointer<Float>) {
        let h = geometry.height
        for c in 0..<inPerGroup {
            for i in 0..<h.kernel {
                gatherRow(x, image: image, group: group, channel: c, inputRow: y * h.stride - h.padBefore + i * h.dilation,
                          into: rows.baseAddress! + (c * h.kernel + i) * row.floats)
            }
        }
    }

    /// Lays out input row `inputRow` of a channel of `group` at `target` (zeros for a row
    /// of the padding).
    private func gatherRow(_ x: UnsafeBufferPointer<Float>, image: Int, group: Int, channel c: Int, inputRow: Int, into target: UnsafeMutablePointer<Float>) {
        guard inputRow >= 0 && inputRow < geometry.height.input else {
            target.update(repeating: 0, count: row.floats)
            return
        }
        let plane = x.baseAddress! + ((image * groups + group) * inPerGroup + c) * inputPlane
        row.gather(plane + inputRow * geometry.width.input, into: target)
    }

    /// Rows of the forward pass's ring per channel: every input row one output row reads
    /// lies within d·(kh − 1) + 1 consecutive rows, so input row r can live in slot
    /// r mod that many, and is gathered once for all the output rows that read it.
    var ringRows: Int { geometry.height.span }

    /// The weights in the order the strips read them: per group and block of output
    /// channels, per tap, the block's channels side by side (zeros for a last block's
    /// missing channels).
    func packWeights(_ w: UnsafeBufferPointer<Float>) -> [Float] {
        let blocks = (outPerGroup + block.channels - 1) / block.channels
        var packed = [Float](repeating: 0, count: groups * blocks * kernelTaps * block.channels)
        for group in 0..<groups {
            for o in 0..<outPerGroup {
                let (b, lane) = o.quotientAndRemainder(dividingBy: block.channels)
                let base = (group * blocks + b) * kernelTaps * block.channels + lane
                let weights = (group * outPerGroup + o) * kernelTaps
                for t in 0..<kernelTaps { packed[base + t * block.channels] = w[weights + t] }
            }
        }
        return packed
    }

    func forward(batch: Int, _ x: UnsafeBufferPointer<Float>, _ w: UnsafeBufferPointer<Float>,
                 _ bias: UnsafeBufferPointer<Float>?, _ y: UnsafeMutableBufferPointer<Float>, threads: Int) {
        let packed = packWeights(w)
        let outRows = geometry.height.output, outWidth = geometry.width.output
        let blocks = (outPerGroup + block.channels - 1) / block.channels
        // Rows of an image cut so that every thread has several pieces to take.
        let rowsPerItem = max(1, min(outRows, batch * outRows / max(1, 4 * threads)))
        let itemsPerImage = (outRows + rowsPerItem - 1) / rowsPerItem
        let workspaceStride = AlignedBuffer.cacheLines(ringFloats)
        let workers = max(1, min(threads, batch * itemsPerImage))
        let workspaces = AlignedBuffer(count: workers * workspaceStride)
        let (h, w, ring) = (geometry.height, geometry.width, ringRows)
        // Per worker: which input row each slot of the ring holds, and an output row's taps
        // into it, on cache lines of its own (workers writing one line would take it from
        // each other on every row).
        let lineInts = 64 / MemoryLayout<Int>.stride
        let indexStride = (ring + kernelTaps + lineInts - 1) / lineInts * lineInts
        withUnsafeTemporaryAllocation(of: Int.self, capacity: workers * indexStride + lineInts) { allocation in
            let firstLine = (lineInts - Int(bitPattern: allocation.baseAddress) / MemoryLayout<Int>.stride % lineInts) % lineInts
            let indices = allocation.extracting(firstLine..<firstLine + workers * indexStride)
            packed.withUnsafeBufferPointer { packed in
                workspaces.withUnsafeMutableBufferPointer { workspaces in
                    // Workers read x, the weights and the bias, and write disjoint rows of y,
                    // their own workspaces and their own indices.
                    nonisolated(unsafe) let (x, packed, bias, y, workspaces, indices) = (x, packed, bias, y, workspaces, indices)
                    shareWork(items: batch * itemsPerImage, workers: workers) { worker, item in
                        let (image, piece) = item.quotientAndRemainder(dividingBy: itemsPerImage)
                        let rows = workspaces.baseAddress! + worker * workspaceStride
                        let base = UnsafePointer(rows)
                        let slotRows = indices.extracting(worker * indexStride..<worker * indexStride + ring)
                        let rowTaps = indices.extracting(worker * indexStride + ring..<worker * indexStride + ring + kernelTaps)
                        rowTaps.initialize(repeating: 0)
                        for group in 0..<groups {
                            slotRows.initialize(repeating: .min)
                            for outRow in (piece * rowsPerItem)..<min(outRows, (piece + 1) * rowsPerItem) {
                                for i in 0..<h.kernel {
                                    let inputRow = outRow * h.stride - h.padBefore + i * h.dilation
                                    let slot = (inputRow % ring + ring) % ring
                                    if slotRows[slot] != inputRow {
                                        for c in 0..<inPerGroup {
                                            gatherRow(x, image: image, group: group, channel: c, inputRow: inputRow, into: rows + (c * ring + slot) * row.floats)
                                        }
                                        slotRows[slot] = inputRow
                                    }
                                    for c in 0..<inPerGroup {
                                        for j in 0..<w.kernel { rowTaps[(c * h.kernel + i) * w.kernel + j] = (c * ring + slot) * row.floats + row.tapOffset(j) }
                                    }
                                }
                                let taps = UnsafeBufferPointer(rowTaps)
                                for b in 0..<blocks {
                                    let first = b * block.channels
                                    let valid = min(block.channels, outPerGroup - first)
                                    let channel = group * outPerGroup + first
                                    let output = y.baseAddress! + ((image * groups * outPerGroup + channel) * outRows + outRow) * outWidth
                                    let weights = packed.baseAddress! + (group * blocks + b) * kernelTaps * block.channels
                                    sweep(base, taps, weights, bias: bias, channel: channel, valid: valid, output: output, width: outWidth)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// One block of output channels along one output row, strip by strip.
    @inline(__always)
    private func sweep(_ rows: UnsafePointer<Float>, _ taps: UnsafeBufferPointer<Int>, _ weights: UnsafePointer<Float>,
                       bias: UnsafeBufferPointer<Float>?, channel: Int, valid: Int, output: UnsafeMutablePointer<Float>, width: Int) {
        if block.channels == 1 {
            let start = bias?[channel] ?? 0
            for x0 in stride(from: 0, to: width, by: block.outputs) {
                DirectStrip.oneChannel(rows: rows + x0, taps: taps, weights: weights,
                                       bias: start, output: output + x0, count: min(block.outputs, width - x0))
            }
        } else {
            var start = SIMD4<Float>()
            if let bias { for lane in 0..<valid { start[lane] = bias[channel + lane] } }
            for x0 in stride(from: 0, to: width, by: block.outputs) {
                DirectStrip.fourChannels(rows: rows + x0, taps: taps, weights: weights, bias: start,
                                         output: output + x0, channelStride: geometry.positions, valid: valid,
                                         count: min(block.outputs, width - x0))
            }
        }
    }
}
