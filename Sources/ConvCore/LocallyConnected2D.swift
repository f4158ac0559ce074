import GEMM

/// A locally connected layer: the windows of a convolution, but a kernel and a bias of
/// their own at every output position — nothing shared. It is what a convolution would be
/// without weight sharing, and it has positions times the convolution's parameters:
/// `positions · outChannels · inChannels · kh · kw` weights, `positions · outChannels`
/// biases (Keras' `LocallyConnected2D`; PyTorch has no such layer).
///
///     out[n, o, p] = bias[p, o] + Σ_r weight[p, o, r] · columns_n[r, p]
///
/// where p runs over the output positions (y · Wout + x), r over the kernel taps
/// (c, i, j) and columns_n is image n's im2col matrix (`Im2Col`, the same windows, padding
/// and strides as `Conv2D`).
///
/// - `weight`: [positions, outChannels, inChannels · kh · kw]
/// - `bias`: [positions, outChannels], or nil
/// - input [N, inChannels, H, W] → output [N, outChannels, Hout, Wout]
///
/// The forward pass gathers, for each position, the batch's columns into an N × taps
/// matrix and runs one GEMM per position against that position's weights; the backward
/// pass runs two GEMMs per position and col2im. Positions are independent, so they are
/// shared among threads, and each position's sums run in the GEMM's fixed order: the
/// values do not depend on the thread count.
public struct LocallyConnected2D: Sendable {
    public var weight: Tensor { storedWeight }
    public var bias: Tensor? { storedBias }
    private var storedWeight: Tensor
    private var storedBias: Tensor?
    public let inChannels: Int
    public let kernelSize: Size2D
    public let stride: Size2D
    public let padding: Padding
    public let dilation: Size2D
    /// The input size the layer's positions were made for: a kernel per output position.
    public let inputSize: Size2D

    public var outChannels: Int { weight.shape[1] }
    public let geometry: ConvGeometry

    /// - Throws: `ShapeError` when the geometry does not fit, or the weight is not
    ///   [positions, out, in · kh · kw] for it, or the bias not [positions, out].
    public init(weight: Tensor, bias: Tensor?, inChannels: Int, inputSize: Size2D, kernelSize: Size2D,
                stride: Size2D = Size2D(1), padding: Padding = .valid, dilation: Size2D = Size2D(1)) throws(ShapeError) {
        geometry = try ConvGeometry(input: inputSize, kernel: kernelSize, stride: stride, padding: padding, dilation: dilation)
        let taps = try exactProduct("the kernel taps", inChannels, kernelSize.height, kernelSize.width)
        guard weight.shape.count == 3, weight.shape[0] == geometry.positions, weight.shape[2] == taps, weight.shape[1] >= 1 else {
            throw ShapeError("a locally connected weight is [positions \(geometry.positions), out, in·kh·kw \(taps)]; got \(weight.shape)")
        }
        if let bias, bias.shape != [geometry.positions, weight.shape[1]] {
            throw ShapeError("a locally connected bias is [positions, out] = [\(geometry.positions), \(weight.shape[1])]; got \(bias.shape)")
        }
        (storedWeight, storedBias) = (weight, bias)
        (self.inChannels, self.inputSize, self.kernelSize, self.stride, self.padding, self.dilation) = (inChannels, inputSize, kernelSize, stride, padding, dilation)
    }

    /// The weight, then the bias if there is one: what an optimizer updates.
    public var parameters: [Tensor] { [weight] + (bias.map { [$0] } ?? []) }

    /// Lets `update` change each parameter in place, in the order of `parameters`.
    /// - Precondition: `update` keeps every parameter's shape.
    public mutating func updateParameters(_ update: (_ index: Int, _ parameter: inout Tensor) -> Void) {
        storedWeight.updateAsParameter(0, update)
        if storedBias != nil { storedBias!.updateAsParameter(1, update) }
    }

    private var im2col: Im2Col { Im2Col(geometry: geometry, channels: inChannels) }
    private var taps: Int { weight.shape[2] }

    private func check(_ input: Tensor) throws(ShapeError) -> Int {
        guard input.shape == [input.shape.first ?? 0, inChannels, inputSize.height, inputSize.width] else {
            throw ShapeError("this locally connected layer takes [N, \(inChannels), \(inputSize.height), \(inputSize.width)] (a kernel per position of that size); got \(input.shape)")
        }
        return input.shape[0]
    }

    /// The batch's columns, position by position: [positions][N][taps].
    private func gathered(_ input: Tensor, batch: Int) throws(ShapeError) -> Tensor {
        let (positions, taps, plane) = (geometry.positions, self.taps, inChannels * inputSize.height * inputSize.width)
        var columns = [Float](repeating: 0, count: taps * positions)
        return try Tensor(shape: [positions, batch, taps], unsafeUninitialized: { result in
            input.withUnsafeBufferPointer { x in
                for n in 0..<batch {
                    columns.withUnsafeMutableBufferPointer { columns in
                        im2col.unfold(UnsafeBufferPointer(rebasing: x[n * plane..<(n + 1) * plane]), positions: 0..<positions, into: columns)
                        for r in 0..<taps {
                            for p in 0..<positions { result[(p * batch + n) * taps + r] = columns[r * positions + p] }
                        }
                    }
                }
            }
        })
    }

    /// The forward pass: one GEMM per output position.
    /// - Throws: `ShapeError` when the input is not [N, inChannels, H, W] of the layer's size.
    public func callAsFunction(_ input: Tensor, threads: Int? = nil) throws(ShapeError) -> Tensor {
        let batch = try check(input)
        let (positions, out, taps) = (geometry.positions, outChannels, self.taps)
        let columns = try gathered(input, batch: batch)
        var byPosition = [Float](repeating: 0, count: positions * batch * out)  // [P][N][out]
        byPosition.withUnsafeMutableBufferPointer { result in
            columns.withUnsafeBufferPointer { columns in
                weight.withUnsafeBufferPointer { weight in
                    // Each position, one item, reads its own rows and writes its own block.
                    nonisolated(unsafe) let (a, w, target) = (columns, weight, result)
                    shareWork(items: positions, workers: threads ?? availableCores) { _, p in
                        sgemm(.asStored, .transposed, m: batch, n: out, k: taps,
                              a: UnsafeBufferPointer(rebasing: a[p * batch * taps..<(p + 1) * batch * taps]), lda: taps,
                              b: UnsafeBufferPointer(rebasing: w[p * out * taps..<(p + 1) * out * taps]), ldb: taps,
                              c: UnsafeMutableBufferPointer(rebasing: target[p * batch * out..<(p + 1) * batch * out]), ldc: out, threads: 1)
                    }
                }
            }
        }
        let biases = bias?.scalars
        return try Tensor(shape: [batch, out, geometry.height.output, geometry.width.output], unsafeUninitialized: { output in
            for n in 0..<batch {
                for o in 0..<out {
                    for p in 0..<positions {
                        output[(n * out + o) * positions + p] = byPosition[(p * batch + n) * out + o] + (biases?[p * out + o] ?? 0)
                    }
                }
            }
        })
    }

    public struct Gradients: Sendable {
        public let input: Tensor
        public let weight: Tensor
        public let bias: Tensor?
        /// ∂L/∂parameters in the order of `parameters`.
        public var parameters: [Tensor] { [weight] + (bias.map { [$0] } ?? []) }
    }

    /// The backward pass: per position, ∂L/∂W_p = ∂L/∂Y_pᵀ · X_p and ∂L/∂X_p = ∂L/∂Y_p · W_p,
    /// ∂L/∂b_p the sum over the batch; then col2im.
    /// - Throws: `ShapeError` when the input or the output gradient do not fit the layer.
    public func backward(input: Tensor, outputGradient: Tensor, threads: Int? = nil) throws(ShapeError) -> Gradients {
        let batch = try check(input)
        let (positions, out, taps) = (geometry.positions, outChannels, self.taps)
        guard outputGradient.shape == [batch, out, geometry.height.output, geometry.width.output] else {
            throw ShapeError("the output gradient has shape \(outputGradient.shape); this layer's output is \([batch, out, geometry.height.output, geometry.width.output])")
        }
        let columns = try gathered(input, batch: batch)
        // ∂L/∂Y position by position: [P][N][out].
        var upstream = [Float](repeating: 0, count: positions * batch * out)
        outputGradient.withUnsafeBufferPointer { g in
            for n in 0..<batch {
                for o in 0..<out {
                    for p in 0..<positions { upstream[(p * batch + n) * out + o] = g[(n * out + o) * positions + p] }
                }
            }
        }
        var weightGradient = try Tensor(shape: weight.shape)
        var columnGradient = [Float](repeating: 0, count: positions * batch * taps)  // [P][N][taps]
        weightGradient.withUnsafeMutableBufferPointer { dw in
            columnGradient.withUnsafeMutableBufferPointer { dx in
                upstream.withUnsafeBufferPointer { dy in
                    columns.withUnsafeBufferPointer { x in
                        weight.withUnsafeBufferPointer { w in
                            // Each position, one item, reads its own rows and writes its own blocks.
                            nonisolated(unsafe) let (dwBuffer, dxBuffer, dyBuffer, xBuffer, wBuffer) = (dw, dx, dy, x, w)
                            shareWork(items: positions, workers: threads ?? availableCores) { _, p in
                                let dyP = UnsafeBufferPointer(rebasing: dyBuffer[p * batch * out..<(p + 1) * batch * out])
                                sgemm(.transposed, .asStored, m: out, n: taps, k: batch,
                                      a: dyP, lda: out, b: UnsafeBufferPointer(rebasing: xBuffer[p * batch * taps..<(p + 1) * batch * taps]), ldb: taps,
                                      c: UnsafeMutableBufferPointer(rebasing: dwBuffer[p * out * taps..<(p + 1) * out * taps]), ldc: taps, threads: 1)
                                sgemm(.asStored, .asStored, m: batch, n: taps, k: out,
                                      a: dyP, lda: out, b: UnsafeBufferPointer(rebasing: wBuffer[p * out * taps..<(p + 1) * out * taps]), ldb: taps,
                                      c: UnsafeMutableBufferPointer(rebasing: dxBuffer[p * batch * taps..<(p + 1) * batch * taps]), ldc: taps, threads: 1)
                            }
                        }
                    }
                }
            }
        }
        let biasGradient: Tensor? = bias == nil ? nil : try Tensor(shape: [positions, out], scalars: (0..<positions * out).map { index in
            let (p, o) = index.quotientAndRemainder(dividingBy: out)
            var sum: Float = 0
            for n in 0..<batch { sum += upstream[(p * batch + n) * out + o] }
            return sum
        })
        let plane = inChannels * inputSize.height * inputSize.width
        var inputGradient = try Tensor(shape: input.shape)
        var imageColumns = [Float](repeating: 0, count: taps * positions)
        inputGradient.withUnsafeMutableBufferPointer { dInput in
            for n in 0..<batch {
                for r in 0..<taps {
                    for p in 0..<positions { imageColumns[r * positions + p] = columnGradient[(p * batch + n) * taps + r] }
                }
                imageColumns.withUnsafeBufferPointer { columns in
                    im2col.fold(columns, positions: 0..<positions, into: UnsafeMutableBufferPointer(rebasing: dInput[n * plane..<(n + 1) * plane]))
                }
            }
        }
        return Gradients(input: inputGradient, weight: weightGradient, bias: biasGradient)
    }
}
