import Dispatch

/// The best (shortest) wall-clock time of `body`, in seconds: one warm-up run, then runs
/// until at least `minimumRuns` are done and `budget` seconds have passed. The minimum is
/// the figure least disturbed by other processes and by the clock ramping up.
func bestTime(minimumRuns: Int = 3, budget: Double = 0.5, _ body: () -> Void) -> Double {
    body()
    var best = Double.infinity
    var runs = 0
    let start = now()
    while runs < minimumRuns || now() - start < budget {
        let before = now()
        body()
        best = min(best, now() - before)
        runs += 1
    }
    return best
}

/// Seconds on a monotonic clock.
func now() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) * 1e-9
}
