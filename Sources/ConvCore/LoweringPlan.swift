/// How a convolution pass is cut into tiles of output positions, so that its im2col
/// workspace stays small whatever the image size.
///
/// The column matrix of a whole image has one row per kernel tap and one column per output
/// position: for 64 channels, a 3×3 kernel and a 1920×1080 output that is
/// 576 × 2,073,600 floats, 4.8 GB. A tile takes a range of output positions instead:
/// rows × tile floats, at most `targetWorkspaceBytes`: 1 MiB, measured best among 192 KiB
/// to 8 MiB (docs/performance.md), small enough that the GEMM reads it back from L2 and L3
/// right after im2col wrote it. Tiles are as even as the 16-column GEMM panels allow.
/// Each work item is one (image, group, tile): with enough items, workers take them in
/// parallel, each with its own workspace and a one-thread GEMM (im2col runs in parallel
/// too); with fewer items than threads, items run one after another and each GEMM uses
/// every thread. All workspaces together stay under `workspaceLimitBytes` (64 MiB); the
/// GEMM's own packing buffers add at most 2.2 MiB per worker.
struct LoweringPlan: Equatable {
    static let targetWorkspaceBytes = 1 << 20
    static let workspaceLimitBytes = 64 << 20
    /// Tiles are not cut thinner than this just to find work for more threads.
    static let minimumTilePositions = 256

    let batch: Int
    let groups: Int
    /// Rows of the column matrix: kernel taps per group.
    let rows: Int
    /// Output positions per image: Hout · Wout.
    let positions: Int
    let tilePositions: Int
    /// Workers that take items in parallel (1: items in order, threads inside the GEMM).
    let workers: Int
    /// Threads each GEMM may use.
    let gemmThreads: Int
    /// Floats of im2col workspace per worker (0 when im2col is skipped).
    let workspaceFloats: Int

    var tilesPerImage: Int { (positions + tilePositions - 1) / tilePositions }
    var items: Int { batch * groups * tilesPerImage }
    var workspaceBytes: Int { workers * workspaceFloats * MemoryLayout<Float>.stride }

    /// The (image, group, tile) of an item.
    func item(_ index: Int) -> (image: Int, group: Int, tile: Range<Int>) {
        let (imageGroup, tile) = index.quotientAndRemainder(dividingBy: tilesPerImage)
        let start = tile * tilePositions
        return (imageGroup / groups, imageGroup % groups, start..<min(positions, start + tilePositions))
    }

    /// - Parameters:
    ///   - needsColumns: false when the input already is the column matrix (a 1×1 kernel
    ///     with stride 1 and no padding), so no workspace is needed.
    ///   - splitForThreads: cut extra tiles so that every thread has an item. The backward
    ///     pass says no: its weight gradient sums over tiles, and the sum must be taken
    ///     in the same pieces whatever the thread count.
    init(batch: Int, groups: Int, rows: Int, positions: Int, threads: Int, needsColumns: Bool, splitForThreads: Bool) {
        let targetFloats = Self.targetWorkspaceBytes / MemoryLayout<Float>.stride
        var maximumTile = max(1, min(positions, targetFloats / rows))
        if maximumTile >= 16 { maximumTile -= maximumTile % 16 }
        var tiles = (positions + maximumTile - 1) / maximumTile
        let imageGroups = batch * groups
        if splitForThreads && imageGroups > 0 && imageGroups * tiles < threads {
            let wanted = (threads + imageGroups - 1) / imageGroups
            tiles = max(tiles, min(wanted, max(1, positions / Self.minimumTilePositions)))
        }
        var tile = (positions + tiles - 1) / tiles
        if tile > 16 { tile = min(maximumTile, (tile + 15) / 16 * 16) }

        self.batch = batch
        self.groups = groups
        self.rows = rows
        self.positions = positions
        tilePositions = tile
        workspaceFloats = needsColumns ? rows * tile : 0
        let items = imageGroups * ((positions + tile - 1) / tile)
        let affordable = max(1, Self.workspaceLimitBytes / max(1, workspaceFloats * MemoryLayout<Float>.stride))
        workers = splitForThreads && items >= threads ? min(threads, affordable) : 1
        gemmThreads = workers > 1 ? 1 : threads
    }
}
