import Foundation
import Testing

@testable import SeededRandom

/// SeededGenerator's normal values and the logarithm they are made with: what the
/// initializers rely on.
struct SeededGeneratorDistributionTests {
    @Test("the portable logarithm agrees with the platform's to a few ulps, from tiny to huge")
    func portableLogarithm() {
        var random = SeededGenerator(seed: 5)
        let values = [1, 2, 0.5, 1e-300, 1e300, .leastNormalMagnitude, 0.999_999_999, 1.000_000_001, 2.0.squareRoot()]
            + (0..<2000).map { _ in Double(random.nextUnitFloat()) + 1e-9 }
        for x in values {
            let error = abs(portableLog(x) - Foundation.log(x))
            #expect(error <= 4 * max(abs(Foundation.log(x)).ulp, Double.leastNormalMagnitude), "ln \(x): \(portableLog(x)) vs \(Foundation.log(x))")
        }
    }

    @Test("normal values: mean 0, variance 1, and the fraction beyond 1σ, 2σ and 3σ of a normal distribution")
    func normalShape() {
        var random = SeededGenerator(seed: 2)
        let values = (0..<200_000).map { _ in Double(random.nextNormal()) }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        #expect(abs(mean) < 0.01)
        #expect(abs(variance - 1) < 0.01)
        for (sigmas, fraction) in [(1.0, 0.3173), (2.0, 0.0455), (3.0, 0.0027)] {
            let beyond = Double(values.filter { abs($0) > sigmas }.count) / Double(values.count)
            #expect(abs(beyond - fraction) < 0.1 * fraction + 0.0005, "beyond \(sigmas)σ: \(beyond), expected \(fraction)")
        }
    }
}
