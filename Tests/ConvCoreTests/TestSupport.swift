import ConvCore

/// What Conv2D, Linear and BatchNorm share for the tests: parameters that are read, and
/// changed only in place through `updateParameters`, which keeps their shapes.
protocol ParameterizedLayer {
    var parameters: [Tensor] { get }
    mutating func updateParameters(_ update: (_ index: Int, _ parameter: inout Tensor) -> Void)
}

extension Conv2D: ParameterizedLayer {}
extension Linear: ParameterizedLayer {}
extension BatchNorm: ParameterizedLayer {}

extension ParameterizedLayer {
    /// This layer with parameter `index` (in the order of `parameters`) set to `value`,
    /// which must have its shape.
    func replacing(parameter index: Int, with value: Tensor) -> Self {
        var layer = self
        layer.updateParameters { i, parameter in
            if i == index { parameter = value }
        }
        return layer
    }
}
