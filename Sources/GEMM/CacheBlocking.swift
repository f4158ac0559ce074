/// The cache block sizes of the five loops, chosen for this project's reference machine
/// (AMD EPYC, Zen: 32 KiB L1d and 512 KiB L2 per core, 8 MiB L3 shared) and measured
/// there (docs/performance.md). Each packed operand is sized to the cache it must stay in:
///
/// | size | packed operand        | bytes                    | lives in            |
/// |------|-----------------------|--------------------------|---------------------|
/// | KC   | B̃ micro-panel KC×NR   | 256 · 16 · 4 = 16 KiB    | L1d (half of it)    |
/// | MC   | Ã block MC×KC         | 144 · 256 · 4 = 144 KiB  | L2 (under a third)  |
/// | NC   | B̃ block KC×NC         | 256 · 4080 · 4 ≈ 4 MiB   | L3 (half of it)     |
///
/// The other half of L1 holds the Ã micro-panel (MR×KC = 6 KiB) and the C tile; the rest
/// of L2 holds the B̃ panels streaming through. KC also fixes the order in which each
/// element's sum over k is accumulated, so it must not depend on the thread count.
enum CacheBlocking {
    /// Depth of the rank-KC update done per pass of loop 4.
    static let kc = 256
    /// Rows of A packed per pass of loop 3 (a multiple of MR).
    static let mc = 144
    /// Columns of B packed per pass of loop 5 (a multiple of NR).
    static let nc = 4080
}
