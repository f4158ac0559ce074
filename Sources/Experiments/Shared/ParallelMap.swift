import GEMM

/// `transform` of every element, computed on up to `threads` threads (each taking the
/// next element when free), the results in the order of the elements; the first error
/// thrown, if any, is rethrown.
func parallelMap<Element: Sendable, Output: Sendable, Failure: Error>(
    _ elements: [Element], threads: Int, _ transform: @Sendable (Element) throws(Failure) -> Output
) throws(Failure) -> [Output] {
    let slots = UnsafeMutableBufferPointer<Result<Output, Failure>?>.allocate(capacity: elements.count)
    slots.initialize(repeating: nil)
    defer {
        _ = slots.deinitialize()
        slots.deallocate()
    }
    nonisolated(unsafe) let results = slots  // Each item writes its own slot.
    shareWork(items: elements.count, workers: threads) { _, index in
        results[index] = Result { () throws(Failure) in try transform(elements[index]) }
    }
    var outputs: [Output] = []
    outputs.reserveCapacity(elements.count)
    for result in results { outputs.append(try result!.get()) }
    return outputs
}
