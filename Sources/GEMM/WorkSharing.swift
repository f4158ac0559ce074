import Dispatch
import Foundation

/// Runs `body(worker, item)` for every item in `0..<items` on at most `workers` threads.
///
/// Each worker takes the next untaken item whenever it is free, so a worker slowed down
/// by another process on its core simply takes fewer items instead of holding the others
/// up. `worker` (in `0..<workers`) lets a body use scratch memory of its own. The GEMM
/// shares its loop 3 this way, and the layers built on it their tiles.
package func shareWork(items: Int, workers: Int, _ body: @Sendable (_ worker: Int, _ item: Int) -> Void) {
    guard workers > 1, items > 1 else {
        for item in 0..<items { body(0, item) }
        return
    }
    let queue = ItemQueue(count: items)
    DispatchQueue.concurrentPerform(iterations: min(workers, items)) { worker in
        while let item = queue.take() {
            body(worker, item)
        }
    }
}

/// Hands out 0, 1, 2, … up to a count, each number once, to whichever thread asks first.
private final class ItemQueue: @unchecked Sendable {  // `next` is only touched under `lock`.
    private let lock = NSLock()
    private var next = 0
    private let count: Int

    init(count: Int) { self.count = count }

    func take() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }
}
