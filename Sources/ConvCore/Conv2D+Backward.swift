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
    /// With `inputGradient` false, ∂L/∂input is not computed (the input is data) and the
    /// gradient returned for it is an empty tensor: a network's first layer needs only its
    /// parameters'.
    /// - Throws: `ShapeError` when the input does not fit the layer or the output
    ///   gradient is not the shape of the output.
    public func backward(input: Tensor, outputGradient: Tensor, threads: Int? = nil, inputGradient needsInput: Bool = true) throws(ShapeError) -> Gradients {
        let (batch, geometry) = try check(input)
        let outputShape = [batch, outChannels, geometry.height.output, geometry.width.output]
        guard outputGradient.shape == outputShape else {
            throw ShapeError("the output gradient has shape \(outputGradient.shape); this layer's output is \(outputShape)")
        }
        var inputGradient = try Tensor(shape: needsInput ? input.shape : [0])
        var weightGradient = try Tensor(shape: weight.shape)
        if batch > 0 {
            let lowering = Lowering(self, geometry)
            let plan = lowering.plan(batch: batch, threads: threads ?? availableCores, splitForThreads: false)
            input.withUnsafeBufferPointer { x in
                weight.withUnsafeBufferPointer { w in
                    outputGradient.withUnsafeBufferPointer { dy in
                        inputGradient.withUnsafeMutableBufferPointer { dx in
                            weightGradient.withUnsafeMutableBufferPointer { dw in
                                lowering.backward(plan, x, w, dy, needsInput ? dx : nil, dw)
                            }
                        }
                    }
                }
            }
        }
        return Gradients(input: inputGradient, weight: weightGradient,
                         bias: bias == nil ? nil : try channelSums(outputGradient))
    }
}

extension Lowering {
    func backward(
        _ plan: LoweringPlan, _ x: UnsafeBufferPointer<Float>, _ w: UnsafeBufferPointer<Float>, _ dy: UnsafeBufferPointer<Float>,
        _ dx: UnsafeMutableBufferPointer<Float>?, _ dw: UnsafeMutableBufferPointer<Float>
    ) {
        // Each group's kernels, transposed, are packed once for all images and tiles.
        let transposedKernels = (0..<groups).map { group in
            PackedMatrix(.transposed, rows: rows, depth: outPerGroup, a: w.extracting(weightSlice(group: group)), lda: rows)
        }
        // The columns and their gradient, each starting on a cache line.
        let workspaceStride = AlignedBuffer.cacheLines(plan.workspaceFloats)
        let workspaces = AlignedBuffer(count: workspaceStride + plan.workspaceFloats)
        workspaces.withUnsafeMutableBufferPointer { workspaces in
            let columnsWorkspace = workspaces.extracting(0..<plan.workspaceFloats)
            let gradientWorkspace = workspaces.extracting(workspaceStride...)
            for item in 0..<plan.items {
                let (image, group, tile) = plan.item(item)
                let (columns, ldb) = columns(of: x.extracting(inputSlice(image: image, group: group)), tile: tile, workspace: columnsWorkspace)
                let outputGradient = dy.extracting(outputSlice(image: image, group: group)).extracting(tile.lowerBound...)

                sgemm(.asStored, .transposed, m: outPerGroup, n: rows, k: tile.count,
                      a: outputGradient, lda: positions, b: columns, ldb: ldb,
                      beta: 1, c: dw.extracting(weightSlice(group: group)), ldc: rows, threads: plan.gemmThreads)

                // A pointwise kernel's column gradient is the input gradient itself.
                guard let dx else { continue }
                let imageGradient = dx.extracting(inputSlice(image: image, group: group))
                let (target, ldc) = isPointwise ? (imageGradient.extracting(tile.lowerBound...), positions)
                    : (gradientWorkspace.extracting(0..<rows * tile.count), tile.count)
                sgemm(transposedKernels[group], .asStored, n: tile.count, b: outputGradient, ldb: positions,
                      c: target, ldc: ldc, threads: plan.gemmThreads)
                if !isPointwise {
                    im2col.fold(UnsafeBufferPointer(target), positions: tile, into: imageGradient)
                }
            }
        }
    }
}
