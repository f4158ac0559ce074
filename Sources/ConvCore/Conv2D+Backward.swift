import GEMM

extension Conv2D {
    /// The backward pass: from ∂L/∂out, the gradients with respect to the input, the
    /// weight and the bias. For each image, group and tile of output positions:
    ///
    ///     ∂L/∂weight[group] += ∂L/∂out (O/G × tile) · columnsᵀ (tile × C/G·kh·kw)
    ///     ∂L/∂columns        = weight[group]ᵀ (C/G·kh·kw × O/G) · ∂L/∂out (O/G × tile)
    ///     ∂L/∂input         += col2im(∂L/∂columns)
    ///     ∂L/∂bias[o]        = Σ over images and positions of ∂L/∂out[n, o]
    ///
    /// The weight gradient is weight sharing in the chain rule: the one kernel was applied
    /// at every position, so every position's contribution is added into it (the GEMM's
    /// sum over positions). col2im is the mirror of im2col: a pixel read by several
    /// windows receives the sum of their gradients.
    ///
    /// The values do not depend on `threads`: tiles are cut by workspace size alone and
    /// taken in order, the GEMMs inside using the threads.
    /// - Throws: `ShapeError` when the input does not fit the layer or the output
    ///   gradient is not the shape of the output.
    public func backward(input: Tensor, outputGradient: Tensor, threads: Int? = nil) throws(ShapeError) -> Gradients {
        let (batch, geometry) = try check(input)
        let outputShape = [batch, outChannels, geometry.height.output, geometry.width.output]
        guard outputGradient.shape == outputShape else {
            throw ShapeError("the output gradient has shape \(outputGradient.shape); this layer's output is \(outputShape)")
        }
        let lowering = Lowering(self, geometry)
        let plan = lowering.plan(batch: batch, threads: threads ?? availableCores, splitForThreads: false)
        var inputGradient = Tensor(shape: input.shape)
        var weightGradient = Tensor(shape: weight.shape)
        input.scalars.withUnsafeBufferPointer { x in
            weight.scalars.withUnsafeBufferPointer { w in
                outputGradient.scalars.withUnsafeBufferPointer { dy in
                    inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                        weightGradient.scalars.withUnsafeMutableBufferPointer { dw in
                            lowering.backward(plan, x.baseAddress!, w.baseAddress!, dy.baseAddress!, dx.baseAddress!, dw.baseAddress!)
                        }
                    }
                }
            }
        }
        return Gradients(input: inputGradient, weight: weightGradient,
                         bias: bias == nil ? nil : channelSums(outputGradient))
    }
}

extension Lowering {
    func backward(
        _ plan: LoweringPlan, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
        _ dx: UnsafeMutablePointer<Float>, _ dw: UnsafeMutablePointer<Float>
    ) {
        let columnsBuffer = AlignedBuffer(count: plan.workspaceFloats), gradientBuffer = AlignedBuffer(count: plan.workspaceFloats)
        defer {
            columnsBuffer.deallocate()
            gradientBuffer.deallocate()
        }
        let (columnsWorkspace, gradientWorkspace) = (columnsBuffer.base, gradientBuffer.base)
        // Each group's kernels, transposed, are packed once for all images and tiles.
        let transposedKernels = (0..<groups).map { group in
            PackedMatrix(.transposed, rows: rows, depth: outPerGroup, a: UnsafeBufferPointer(start: w + weightOffset(group: group), count: outPerGroup * rows), lda: rows)
        }
        for item in 0..<plan.items {
            let (image, group, tile) = plan.item(item)
            let (columns, ldb) = columns(of: x + inputOffset(image: image, group: group), tile: tile,
                                         workspace: isPointwise ? nil : columnsWorkspace)
            let outputGradient = UnsafeBufferPointer(
                start: dy + outputOffset(image: image, group: group) + tile.lowerBound,
                count: (outPerGroup - 1) * positions + tile.count)

            sgemm(.none, .transposed, m: outPerGroup, n: rows, k: tile.count,
                  a: outputGradient, lda: positions,
                  b: UnsafeBufferPointer(start: columns, count: (rows - 1) * ldb + tile.count), ldb: ldb,
                  beta: 1, c: UnsafeMutableBufferPointer(start: dw + weightOffset(group: group), count: outPerGroup * rows), ldc: rows,
                  threads: plan.gemmThreads)

            // A pointwise kernel's column gradient is the input gradient itself.
            let imageGradient = dx + inputOffset(image: image, group: group)
            let (target, ldc) = isPointwise ? (imageGradient + tile.lowerBound, positions) : (gradientWorkspace, tile.count)
            sgemm(transposedKernels[group], .none, n: tile.count,
                  b: outputGradient, ldb: positions,
                  c: UnsafeMutableBufferPointer(start: target, count: (rows - 1) * ldc + tile.count), ldc: ldc,
                  threads: plan.gemmThreads)
            if !isPointwise {
                im2col.fold(gradientWorkspace, positions: tile, into: imageGradient)
            }
        }
    }
}
