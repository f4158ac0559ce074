import Foundation
import Testing

@testable import ConvCore

struct VectorExponentialTests {
    /// How many ulp of the correctly rounded result `value` is from `exact`, an ulp being
    /// the spacing of Floats at the rounded result (the least subnormal at the bottom).
    func ulps(_ value: Float, _ exact: Double) -> Double {
        let rounded = Float(exact)
        if value == rounded { return 0 }
        return abs(Double(value) - exact) / Double(max(rounded.ulp, .leastNonzeroMagnitude))
    }

    /// The worst error of `function` in ulp over `range`, eight lanes at a time, the lanes
    /// of each vector spread over the range so that every lane sees every region.
    func worstError(_ function: (SIMD8<Float>) -> SIMD8<Float>, _ exact: (Double) -> Double, over range: ClosedRange<Float>, samples: Int = 80_000) -> (ulps: Double, at: Float) {
        var worst = (ulps: 0.0, at: Float.nan)
        let step = (range.upperBound - range.lowerBound) / Float(samples)
        for k in 0..<samples / 8 {
            var x = SIMD8<Float>()
            for lane in 0..<8 { x[lane] = range.lowerBound + Float(lane * samples / 8 + k) * step }
            let y = function(x)
            for lane in 0..<8 {
                let error = ulps(y[lane], exact(Double(x[lane])))
                if !(error <= worst.ulps) { worst = (error, x[lane]) }
            }
        }
        return worst
    }

    @Test("e^x is within 4 ulp of Double's, from the subnormal results to the last finite one")
    func exponential() {
        for range: ClosedRange<Float> in [-104...89, -1...1, -1e-3...1e-3, -88...(-80)] {
            let worst = worstError(VectorExponential.exp, Foundation.exp, over: range)
            #expect(worst.ulps <= 4, "exp over \(range): \(worst.ulps) ulp at \(worst.at)")
        }
    }

    @Test("sigmoid is within 4 ulp of 1 / (1 + e^−x) in Double, its subnormal tail included")
    func sigmoid() {
        let exact: (Double) -> Double = { 1 / (1 + Foundation.exp(-$0)) }
        for range: ClosedRange<Float> in [-104...30, -4...4, -1e-3...1e-3] {
            let worst = worstError(VectorExponential.sigmoid, exact, over: range)
            #expect(worst.ulps <= 4, "sigmoid over \(range): \(worst.ulps) ulp at \(worst.at)")
        }
        // sigmoid(−100) = e^−100 / (1 + e^−100): a subnormal, not 0.
        let tail = VectorExponential.sigmoid(SIMD8(repeating: -100))[0]
        #expect(tail > 0 && tail.isSubnormal && ulps(tail, exact(-100)) <= 4)
    }

    @Test("tanh is within 4 ulp of Double's, near 0 (no cancellation) as well as far from it")
    func hyperbolicTangent() {
        for range: ClosedRange<Float> in [-12...12, -1...1, -1e-3...1e-3, -1e-30...1e-30] {
            let worst = worstError(VectorExponential.tanh, Foundation.tanh, over: range)
            #expect(worst.ulps <= 4, "tanh over \(range): \(worst.ulps) ulp at \(worst.at)")
        }
    }

    @Test("infinities, zeros of both signs, subnormals and NaN")
    func specialValues() {
        let x = SIMD8<Float>(.nan, .infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 1000)
        let exp = VectorExponential.exp(x)
        #expect(exp[0].isNaN && exp[1] == .infinity && exp[2] == 0 && exp[3] == 1 && exp[4] == 1 && exp[7] == .infinity)
        let tanh = VectorExponential.tanh(x)
        #expect(tanh[0].isNaN && tanh[1] == 1 && tanh[2] == -1 && tanh[7] == 1)
        #expect(tanh[3].bitPattern == Float(0).bitPattern && tanh[4].bitPattern == Float(-0.0).bitPattern, "tanh keeps the sign of zero")
        #expect(tanh[5] == .leastNonzeroMagnitude && tanh[6] == -.leastNonzeroMagnitude, "tanh x = x for the tiniest x")
        let sigmoid = VectorExponential.sigmoid(x)
        #expect(sigmoid[0].isNaN && sigmoid[1] == 1 && sigmoid[2] == 0 && sigmoid[3] == 0.5 && sigmoid[4] == 0.5 && sigmoid[7] == 1)
    }
}
