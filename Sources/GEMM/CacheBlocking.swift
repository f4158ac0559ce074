/// The cache block sizes of the five loops, chosen for this project's reference machine
/// (AMD EPYC, Zen 1: 32 KiB L1d and 512 KiB L2 per core, 8 MiB L3 shared) by measuring
/// (docs/performance.md, "Choosing the block sizes"):
///
/// | size      | packed operand       | bytes                   | lives in             |
/// |-----------|----------------------|-------------------------|----------------------|
/// | KC = 512  | B̃ micro-panel KC×NR  | 512 · 16 · 4 = 32 KiB   | L1d, streamed via L2 |
/// | MC = 96   | Ã block MC×KC        | 96 · 512 · 4 = 192 KiB  | L2 (under half)      |
/// | NC = 1024 | B̃ block KC×NC        | 512 · 1024 · 4 = 2 MiB  | L3 (a quarter)       |
///
/// KC is larger than the classic "B̃ micro-panel in half of L1" because on this CPU the
/// twelve FMAs of a step of k take twelve cycles (Zen 1 splits each 256-bit FMA in two),
/// in which L2 can deliver the 88 bytes of Ã and B̃ the step reads many times over; a
/// larger KC halves the traffic of C instead, which is read and written once per pass.
/// KC also fixes the order in which each element's sum over k is accumulated, so it
/// depends on k alone, never on the thread count.
enum CacheBlocking {
    /// Greatest depth of the rank-k update done per pass of loop 4. Loop 4 splits k into
    /// equal passes of at most KC, so k = 576 is 2 × 288, not 512 + a thin 64.
    static let kc = 512
    /// Greatest number of rows of A packed per pass of loop 3 (a multiple of MR).
    static let mc = 96
    /// Greatest number of columns of B packed per pass of loop 5 (a multiple of NR).
    static let nc = 1024

    /// The depth of each pass of loop 4 over k: the passes are equal, each at most KC.
    static func passDepth(_ k: Int) -> Int { ceilDiv(k, ceilDiv(k, kc)) }
}
