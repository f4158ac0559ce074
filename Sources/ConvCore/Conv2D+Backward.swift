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
    /// weight gradient is summed in chunks of images fixed by the batch and the weight's
    /// size, and the chunks' sums are added in order (`Lowering.partialSumsLimitBytes`).
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
    /// The weight gradient sums over every image of the batch. It is summed in fixed
    /// chunks of images, each into a partial sum of its own (its images and tiles in
    /// order), and the partial sums are then added in chunk order: the chunks depend on
    /// the batch and the weight's size alone, so the value is the same whatever the thread
    /// count, while the chunks run on every thread. The partial sums stay under
    /// `partialSumsLimitBytes`.
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
        let chunks = max(1, min(plan.batch, Self.partialSumsLimitBytes / max(1, weights * MemoryLayout<Float>.stride)))
        let workers = max(1, min(threads, chunks, LoweringPlan.workspaceLimitBytes / max(1, 2 * plan.workspaceFloats * MemoryLayout<Float>.stride)))
        let gemmThreads = workers > 1 ? 1 : threads
        let itemsPerImage = plan.items / max(1, plan.batch)
        // Per worker: the columns and their gradient, each starting on a cache line.
        let workspaceStride = AlignedBuffer.cacheLines(plan.workspaceFloats)
        let workspaces = AlignedBuffer(count: workers * 2 * workspaceStride)
        let partialStride = AlignedBuffer.cacheLines(weights)
        let partials = AlignedBuffer(count: chunks * partialStride)
        workspaces.withUnsafeMutableBufferPointer { workspaces in
            partials.withUnsafeMutableBufferPointer { partials in
                // Workers read x, w and dy, and write their own workspaces, their chunk's
                // partial sum and the input gradient of their chunk's images.
                nonisolated(unsafe) let (workspaces, partials, dx, x, dy) = (workspaces, partials, dx, x, dy)
                shareWork(items: chunks, workers: workers) { worker, chunk in
                    let columnsWorkspace = workspaces.extracting(worker * 2 * workspaceStride..<worker * 2 * workspaceStride + plan.workspaceFloats)
                    let gradientWorkspace = workspaces.extracting((worker * 2 + 1) * workspaceStride..<(worker * 2 + 1) * workspaceStride + plan.workspaceFloats)
                    let partial = partials.extracting(chunk * partialStride..<chunk * partialStride + weights)
                    partial.initialize(repeating: 0)
                    let images = (chunk * plan.batch / chunks)..<((chunk + 1) * plan.batch / chunks)
                    for item in (images.lowerBound * itemsPerImage)..<(images.upperBound * itemsPerImage) {
                        let (image, group, tile) = plan.item(item)
                        let (columns, ldb) = columns(of: x.extracting(inputSlice(image: image, group: group)), tile: tile, workspace: columnsWorkspace)
                        let outputGradient = dy.extracting(outputSlice(image: image, group: group)).extracting(tile.lowerBound...)

                        sgemm(.asStored, .transposed, m: outPerGroup, n: rows, k: tile.count,
                              a: outputGradient, lda: positions, b: columns, ldb: ldb,
                              beta: 1, c: partial.extracting(weightSlice(group: group)), ldc: rows, threads: gemmThreads)

                        // A pointwise kernel's column gradient is the input gradient itself.
                        guard let dx else { continue }
                        let imageGradient = dx.extracting(inputSlice(image: image, group: group))
                        let (target, ldc) = isPointwise ? (imageGradient.extracting(tile.lowerBound...), positions)
                            : (gradientWorkspace.extracting(0..<rows * tile.count), tile.count)
                        sgemm(transposedKernels[group], .asStored, n: tile.count, b: outputGradient, ldb: positions,
                              c: target, ldc: ldc, threads: gemmThreads)
                        if !isPointwise {
                            im2col.fold(UnsafeBufferPointer(target), positions: tile, into: imageGradient)
                        }
                    }
                }
                for chunk in 0..<chunks {
                    let partial = partials.extracting(chunk * partialStride..<chunk * partialStride + weights)
                    for index in 0..<weights { dw[index] += partial[index] }
                }
            }
        }
    }
}
