/// The inner loops of the direct and depthwise convolutions: one strip of outputs along
/// a row, its sums held in vector registers while every tap of the kernel passes once,
/// each tap's weight broadcast once per strip and its inputs loaded as vectors.
///
/// Contract:
/// - `rows` points at the strip's first output in the gathered rows (`PhasedRow`), and
///   `taps[t]` is where tap t's run starts from there: every run is readable for the
///   whole strip;
/// - `weights` holds the taps' weights in tap order, `channels` (the kernel's block)
///   per tap, zeros for a block's missing channels;
/// - the sums start from `bias` and are stored to `output + channel · channelStride`,
///   `count` outputs of each (`count ≤` the strip, `valid ≤` the block's channels).
enum DirectStrip {
    /// Four output channels × 16 outputs: eight accumulators, two vector loads and four
    /// broadcasts for eight multiply-adds per tap. For layers with few input channels
    /// and several output channels (a gray or RGB stem): each loaded input serves four
    /// kernels.
    static let fourChannels = (channels: 4, outputs: 16)
    /// One output channel × 32 outputs: four accumulators, four loads and one broadcast
    /// per tap. For depthwise layers, whose every channel has a kernel of its own.
    static let oneChannel = (channels: 1, outputs: 32)

    @inline(__always)
    static func fourChannels(
        rows: UnsafePointer<Float>, taps: UnsafeBufferPointer<Int>, weights: UnsafePointer<Float>,
        bias: SIMD4<Float>, output: UnsafeMutablePointer<Float>, channelStride: Int, valid: Int, count: Int
    ) {
        var c00 = SIMD8<Float>(repeating: bias[0]), c01 = c00
        var c10 = SIMD8<Float>(repeating: bias[1]), c11 = c10
        var c20 = SIMD8<Float>(repeating: bias[2]), c21 = c20
        var c30 = SIMD8<Float>(repeating: bias[3]), c31 = c30
        var w = weights
        for tap in taps {
            let run = UnsafeRawPointer(rows + tap)
            let v0 = run.loadUnaligned(as: SIMD8<Float>.self)
            let v1 = run.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
            var k = SIMD8<Float>(repeating: w[0])
            c00 = multiplyAdd(c00, k, v0); c01 = multiplyAdd(c01, k, v1)
            k = SIMD8<Float>(repeating: w[1])
            c10 = multiplyAdd(c10, k, v0); c11 = multiplyAdd(c11, k, v1)
            k = SIMD8<Float>(repeating: w[2])
            c20 = multiplyAdd(c20, k, v0); c21 = multiplyAdd(c21, k, v1)
            k = SIMD8<Float>(repeating: w[3])
            c30 = multiplyAdd(c30, k, v0); c31 = multiplyAdd(c31, k, v1)
            w += 4
        }
        withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 8) { sums in
            sums[0] = c00; sums[1] = c01; sums[2] = c10; sums[3] = c11
            sums[4] = c20; sums[5] = c21; sums[6] = c30; sums[7] = c31
            store(sums, vectorsPerChannel: 2, output: output, channelStride: channelStride, valid: valid, count: count)
        }
    }

    @inline(__always)
    static func oneChannel(
        rows: UnsafePointer<Float>, taps: UnsafeBufferPointer<Int>, weights: UnsafePointer<Float>,
        bias: Float, output: UnsafeMutablePointer<Float>, count: Int
    ) {
        var c0 = SIMD8<Float>(repeating: bias), c1 = c0, c2 = c0, c3 = c0
        var w = weights
        for tap in taps {
            let run = UnsafeRawPointer(rows + tap)
            let k = SIMD8<Float>(repeating: w[0])
            c0 = multiplyAdd(c0, k, run.loadUnaligned(as: SIMD8<Float>.self))
            c1 = multiplyAdd(c1, k, run.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self))
            c2 = multiplyAdd(c2, k, run.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self))
            c3 = multiplyAdd(c3, k, run.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self))
            w += 1
        }
        withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: 4) { sums in
            sums[0] = c0; sums[1] = c1; sums[2] = c2; sums[3] = c3
            store(sums, vectorsPerChannel: 4, output: output, channelStride: 0, valid: 1, count: count)
        }
    }

    /// Stores the first `count` outputs of the first `valid` channels' sums.
    @inline(__always)
    private static func store(
        _ sums: UnsafeMutableBufferPointer<SIMD8<Float>>, vectorsPerChannel: Int,
        output: UnsafeMutablePointer<Float>, channelStride: Int, valid: Int, count: Int
    ) {
        for channel in 0..<valid {
            let target = output + channel * channelStride
            if count == 8 * vectorsPerChannel {
                for v in 0..<vectorsPerChannel {
                    UnsafeMutableRawPointer(target + 8 * v).storeBytes(of: sums[channel * vectorsPerChannel + v], as: SIMD8<Float>.self)
                }
            } else {
                // Whole vectors first, then the lanes of the last part one by one.
                let whole = count / 8
                for v in 0..<whole {
                    UnsafeMutableRawPointer(target + 8 * v).storeBytes(of: sums[channel * vectorsPerChannel + v], as: SIMD8<Float>.self)
                }
                for index in 8 * whole..<count {
                    target[index] = sums[channel * vectorsPerChannel + index / 8][index % 8]
                }
            }
        }
    }
}
