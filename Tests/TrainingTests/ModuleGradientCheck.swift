import ConvCore
import SeededRandom
import Testing
import Training
import _TestSupport

/// Checks every parameter's gradient of `module` against central differences of
/// `loss(module with that parameter changed)`, as `expectNumericGradient` does for one
/// tensor; `samples` limits the coordinates checked per parameter.
func expectParameterGradients<M: Module>(
    _ gradients: [Tensor], of module: M, loss: (M) throws -> Double, step: Float = 1e-2, tolerance: Double = 2e-3,
    samples: Int? = nil, random: inout SeededGenerator, _ comment: String, sourceLocation: SourceLocation = #_sourceLocation
) rethrows {
    let parameters = module.parameters
    #expect(gradients.map(\.shape) == parameters.map(\.shape), "\(comment): gradient shapes", sourceLocation: sourceLocation)
    for index in parameters.indices {
        try expectNumericGradient(gradients[index], of: parameters[index], loss: { value in
            var changed = module
            changed.updateParameters { i, parameter in if i == index { parameter = value } }
            return try loss(changed)
        }, step: step, tolerance: tolerance, samples: samples, random: &random, "\(comment) parameter \(index)", sourceLocation: sourceLocation)
    }
}
