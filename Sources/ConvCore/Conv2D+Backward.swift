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
    /// The values do not depend on `threads`: tiles are cut by workspace size alone, the
    /// weight gradient is summed in pieces fixed by the batch and the layer (chunks of
    /// images, or one image's tiles), and the pieces' sums are added in order
    /// (`Lowering.partialSumsLimitBytes`).
    /// With `direct` and `depthwise` (`backwardAlgorithm`'s choice unless `algorithm`
    /// says), the same sums straight from the gathered rows (`DirectLowering+Backward.swift`).
    /// With `winograd`, the weight gradient as with `gemm`, and the input gradient as the
    /// convolution of ∂L/∂out with the kernels turned by 180°, with the forward pass's tiling
    /// (`WinogradLowering`: its chunks may be cut thinner for threads, but each value is one
    /// column of each GEMM, summed the same way whatever the cut).
    /// With `inputGradient` false, ∂L/∂input is not computed (the input is data) and the
    /// gradient returned for it is an empty tensor: a network's first layer needs only its
    /// parameters'.
    /// - Throws: `ShapeError` when the input does not fit the layer, the output gradient
    ///   is not the shape of the output, or `winograd` is asked of a layer it does not compute.
    public func backward(input: Tensor, outputGradient: Tensor, threads: Int? = nil, inputGradient needsInput: Bool = true,
                         algorithm: ConvAlgorithm? = nil) throws(ShapeError) -> Gradients {
        let (batch, geometry) = try check(input)
        let outputShape = [batch, outChannels, geometry.height.output, geometry.width.output]
        guard outputGradient.shape == outputShape else {
            throw ShapeError("the output gradient has shape \(outputGradient.shape); this layer's output is \(outputShape)")
        }
        var inputGradient = try Tensor(shape: needsInput ? input.shape : [0])
        var weightGradient = try Tensor(shape: weight.shape)
        let algorithm = algorithm ?? backwardAlgorithm(for: geometry.input)
        if algorithm == .winograd { try checkWinograd() }
        if batch > 0 && (algorithm == .direct || algorithm == .depthwise) {
            let lowering = DirectLowering(self, geometry, algorithm: algorithm)
            input.withUnsafeBufferPointer { x in
                weight.withUnsafeBufferPointer { w in
                    outputGradient.withUnsafeBufferPointer { dy in
                        inputGradient.withUnsafeMutableBufferPointer { dx in
                            weightGradient.withUnsafeMutableBufferPointer { dw in
                                lowering.backward(batch: batch, x, w, dy, needsInput ? dx : nil, dw, threads: threads ?? availableCores)
                            }
                        }
                    }
                }
            }
        } else if batch > 0 {
            let lowering = Lowering(self, geometry)
            let plan = lowering.plan(batch: batch, threads: threads ?? availableCores, splitForThreads: false)
            input.withUnsafeBufferPointer { x in
                weight.withUnsafeBufferPointer { w in
                    outputGradient.withUnsafeBufferPointer { dy in
                        inputGradient.withUnsafeMutableBufferPointer { dx in
                            weightGradient.withUnsafeMutableBufferPointer { dw in
                                lowering.backward(plan, x, w, dy, needsInput && algorithm == .gemm ? dx : nil, dw, threads: threads ?? availableCores)
                                if needsInput && algorithm == .winograd {
                                    WinogradTile.run(self, geometry, inputGradient: true, batch: batch, dy, w, nil, dx, threads: threads ?? availableCores)
                                }
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
    /// The weight gradient sums over every image of the batch. It is summed in pieces,
    /// each into a partial sum of its own (its items, image by image and tile by tile, in
    /// order), and the partial sums are then added in order to the zero gradient: the
    /// pieces depend on the batch, the layer and the image alone, so the value is the same
    /// whatever the thread count, while the pieces run on every thread. Pieces are chunks
    /// of images, as many as the partial sums under `partialSumsLimitBytes` allow; where
    /// that is a single chunk (one image, or weights too large for two partial sums) and
    /// its items' sums fit, each item is a piece, so that one image's tiles run in
    /// parallel too. Their column gradients are then kept and folded into the input
    /// gradient afterwards, in item order, since neighbouring tiles fold into the same pixels.
    static let partialSumsLimitBytes = 16 << 20

    func backward(
        _ plan: LoweringPlan, _ x: UnsafeBufferPointer<Float>, _ w: UnsafeBufferPointer<Float>, _ dy: UnsafeBufferPointer<Float>,
        _ dx: UnsafeMutableBufferPointer<Float>?, _ dw: UnsafeMutableBufferPointer<Float>, threads: Int
    ) {
        // Each group's kernels, transposed, are packed once for all images and tiles.
        let transposedKernels = (0..<groups).map { group in
            PackedMatrix(.transposed, rows: rows, depth: outPerGroup, a: w.extracting(weightSlice(group: group)), lda: rows)
        }
        let weights = dw.count
        let partialStride = AlignedBuffer.cacheLines(weights)
        let partialBytes = max(1, partialStride * MemoryLayout<Float>.stride)
        let itemsPerImage = plan.items / max(1, plan.batch)
        let imageChunks = max(1, min(plan.batch, Self.partialSumsLimitBytes / partialBytes))
        let foldsColumns = dx != nil && !isPointwise
        let gradientStride = AlignedBuffer.cacheLines(plan.workspaceFloats)
        let byItems = imageChunks == 1 && plan.items > 1 && plan.items <= Self.partialSumsLimitBytes / partialBytes
            && (!foldsColumns || plan.items <= LoweringPlan.workspaceLimitBytes / max(1, gradientStride * MemoryLayout<Float>.stride))
        let pieces = byItems ? plan.items : imageChunks
        @Sendable func items(of piece: Int) -> Range<Int> {
            if byItems { return piece..<piece + 1 }
            return (piece * plan.batch / pieces * itemsPerImage)..<((piece + 1) * plan.batch / pieces * itemsPerImage)
        }
        let workers = max(1, min(threads, pieces, LoweringPlan.workspaceLimitBytes / max(1, 2 * plan.workspaceFloats * MemoryLayout<Float>.stride)))
        let gemmThreads = workers > 1 ? 1 : threads
        // Per worker: the columns and their gradient, each starting on a cache line; when
        // the pieces are items, every item's column gradient until the fold.
        let workspaceStride = AlignedBuffer.cacheLines(plan.workspaceFloats)
        let workspaces = AlignedBuffer(count: workers * 2 * workspaceStride)
        let keptGradients = AlignedBuffer(count: byItems && foldsColumns ? plan.items * gradientStride : 0)
        let partials = AlignedBuffer(count: pieces * partialStride)
        workspaces.withUnsafeMutableBufferPointer { workspaces in
            partials.withUnsafeMutableBufferPointer { partials in
                keptGradients.withUnsafeMutableBufferPointer { kept in
                    // Workers read x, w and dy, and write their own workspaces, their piece's
                    // partial sum and column gradients, and the input gradient of their
                    // piece's images (when the pieces are images).
                    nonisolated(unsafe) let (workspaces, partials, kept, dx, x, dy) = (workspaces, partials, kept, dx, x, dy)
                    shareWork(items: pieces, workers: workers) { worker, piece in
                        let columnsWorkspace = workspaces.extracting(worker * 2 * workspaceStride..<worker * 2 * workspaceStride + plan.workspaceFloats)
                        let gradientWorkspace = workspaces.extracting((worker * 2 + 1) * workspaceStride..<(worker * 2 + 1) * workspaceStride + plan.workspaceFloats)
                        let partial = partials.extracting(piece * partialStride..<piece * partialStride + weights)
                        partial.initialize(repeating: 0)
                        for item in items(of: piece) {
                            let (image, group, tile) = plan.item(item)
                            let (columns, ldb) = columns(of: x.extracting(inputSlice(image: image, group: group)), tile: tile, workspace: columnsWorkspace)
                            let outputGradient = dy.extracting(outputSlice(image: image, group: group)).extracting(tile.lowerBound...)

                            sgemm(.asStored, .transposed, m: outPerGroup, n: rows, k: tile.count,
                                  a: outputGradient, lda: positions, b: columns, ldb: ldb,
                                  beta: 1, c: partial.extracting(weightSlice(group: group)), ldc: rows, threads: gemmThreads)

                            // A pointwise kernel's column gradient is the input gradient itself.
                            guard let dx else { continue }
                            let imageGradient = dx.extracting(inputSlice(image: image, group: group))
                            let (target, ldc) = if isPointwise {
                                (imageGradient.extracting(tile.lowerBound...), positions)
                            } else if byItems {
                                (kept.extracting(item * gradientStride..<item * gradientStride + rows * tile.count), tile.count)
                            } else {
                                (gradientWorkspace.extracting(0..<rows * tile.count), tile.count)
                            }
                            sgemm(transposedKernels[group], .asStored, n: tile.count, b: outputGradient, ldb: positions,
                                  c: target, ldc: ldc, threads: gemmThreads)
                            if foldsColumns && !byItems {
                                im2col.fold(UnsafeBufferPointer(target), positions: tile, into: imageGradient)
                            }
                        }
                    }
                    if let dx, foldsColumns && byItems {
                        for item in 0..<plan.items {
                            let (image, group, tile) = plan.item(item)
                            im2col.fold(UnsafeBufferPointer(kept.extracting(item * gradientStride..<item * gradientStride + rows * tile.count)),
                                        positions: tile, into: dx.extracting(inputSlice(image: image, group: group)))
                        }
                    }
                }
                for piece in 0..<pieces {
                    let partial = partials.extracting(piece * partialStride..<piece * partialStride + weights)
                    for index in 0..<weights { dw[index] += partial[index] }
                }
            }
        }
    }
}
