extension Tensor {
    /// Lets `update` change this tensor in place as parameter `index` of a layer: its values
    /// may change, its shape may not, since the layer's kernels rely on it.
    package mutating func updateAsParameter(_ index: Int, _ update: (_ index: Int, _ parameter: inout Tensor) -> Void) {
        let shape = self.shape
        update(index, &self)
        precondition(self.shape == shape, "parameter \(index) has shape \(shape); an update may change its values, not make it \(self.shape)")
    }
}
