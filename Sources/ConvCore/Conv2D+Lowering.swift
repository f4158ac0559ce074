import GEMM

extension Conv2D {
    /// The forward pass: input [N, inChannels, H, W] → output [N, outChannels, Hout, Wout].
    ///
    /// With `gemm`, for each image, group and tile of output positions: im2col, then one GEMM
    ///
    ///     out[group's channels, tile] = weight[group] (O/G × C/G·kh·kw) · columns (C/G·kh·kw × tile)
    ///
    /// and the bias added per channel. The packed kernels (or their Winograd transforms)
    /// are kept for the next call until the weights change (`PackedWeights`). A 1×1 kernel
    /// with stride 1 and no padding skips im2col: the input plane already is the column
    /// matrix. With `direct` or `depthwise`, the definition vectorized along each output row
    /// (`DirectLowering`); with `winograd`, F(4×4, 3×3) or F(2×2, 3×3), a GEMM per element of
    /// the tiles' transforms (`WinogradLowering`).
    /// - Parameters:
    ///   - threads: at most this many threads (default: every available core); the
    ///     values do not depend on it.
    ///   - algorithm: how to compute it (default: the layer's choice, `algorithm(for:)`).
    /// - Throws: `ShapeError` when the input is not [N, inChannels, H, W], the kernel does
    ///   not fit in the padded input, the output would hold more values than an `Int`
    ///   can count, or `winograd` is asked of a layer it does not compute.
    public func callAsFunction(_ input: Tensor, threads: Int? = nil, algorithm: ConvAlgorithm? = nil) throws(ShapeError) -> Tensor {
        let (batch, geometry) = try check(input)
        let outputShape = [batch, outChannels, geometry.height.output, geometry.width.output]
        guard batch > 0 else { return try Tensor(shape: outputShape) }
        let algorithm = algorithm ?? choice(for: geometry.input).algorithm
        if algorithm == .winograd {
            try checkWinograd()
            return try Tensor(shape: outputShape) { output in
                input.withUnsafeBufferPointer { x in
                    weight.withUnsafeBufferPointer { w in
                        (bias?.scalars ?? []).withUnsafeBufferPointer { b in
                            WinogradTile.run(self, geometry, inputGradient: false, batch: batch, x, w, b.isEmpty ? nil : b, output,
                                              threads: threads ?? availableCores)
                        }
                    }
                }
            }
        }
        if algorithm != .gemm {
            let lowering = DirectLowering(self, geometry, algorithm: algorithm)
            return try Tensor(shape: outputShape) { output in
                input.withUnsafeBufferPointer { x in
                    weight.withUnsafeBufferPointer { w in
                        (bias?.scalars ?? []).withUnsafeBufferPointer { b in
                            lowering.forward(batch: batch, x, w, b.isEmpty ? nil : b, output, threads: threads ?? availableCores)
                        }
                    }
                }
            }
        }
        let lowering = Lowering(self, geometry)
        let plan = lowering.plan(batch: batch, threads: threads ?? availableCores, splitForThreads: true)
        let kernels = packedWeights.matrices(.gemm) { weight.withUnsafeBufferPointer { lowering.packKernels($0) } }
        return try Tensor(shape: outputShape) { output in
            input.withUnsafeBufferPointer { x in
                (bias?.scalars ?? []).withUnsafeBufferPointer { b in
                    lowering.forward(plan, x, kernels, b.isEmpty ? nil : b, output)
                }
            }
        }
    }
}

extension Conv2D {
    /// Throws unless `winograd` computes this layer: a 3×3 kernel, stride 1, dilation 1.
    func checkWinograd() throws(ShapeError) {
        guard WinogradTile.computes(self) else {
            throw ShapeError("winograd computes 3×3 kernels with stride 1 and dilation 1; this layer has kernel \(kernelSize), stride \(stride), dilation \(dilation)")
        }
    }
}
