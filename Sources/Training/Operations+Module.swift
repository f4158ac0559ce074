import ConvCore

// ConvCore's operations as modules of a network: each forwards to the operation's own
// forward and backward pass.

extension Conv2D: Module {
    public func forward(_ input: Tensor, mode: Mode, threads: Int?) throws(ShapeError) -> Tensor {
        try self(input, threads: threads)
    }

    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, threads: Int?) throws(ShapeError) -> (input: Tensor, parameters: [Tensor]) {
        let gradients = try backward(input: input, outputGradient: outputGradient, threads: threads)
        return (gradients.input, gradients.parameters)
    }

    public func parameterGradients(input: Tensor, output: Tensor, outputGradient: Tensor, threads: Int?) throws(ShapeError) -> [Tensor] {
        try backward(input: input, outputGradient: outputGradient, threads: threads, inputGradient: false).parameters
    }
}

extension Linear: Module {
    public func forward(_ input: Tensor, mode: Mode, threads: Int?) throws(ShapeError) -> Tensor {
        try self(input, threads: threads)
    }

    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, threads: Int?) throws(ShapeError) -> (input: Tensor, parameters: [Tensor]) {
        let gradients = try backward(input: input, outputGradient: outputGradient, threads: threads)
        return (gradients.input, gradients.parameters)
    }
}

extension BatchNorm: Module {
    public mutating func forward(_ input: Tensor, mode: Mode, threads: Int?) throws(ShapeError) -> Tensor {
        try forward(input, mode: mode)
    }

    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, threads: Int?) throws(ShapeError) -> (input: Tensor, parameters: [Tensor]) {
        let gradients = try backward(input: input, outputGradient: outputGradient)
        return (gradients.input, gradients.parameters)
    }
}

extension Pooling2D: Module {
    public func forward(_ input: Tensor, mode: Mode, threads: Int?) throws(ShapeError) -> Tensor {
        try self(input)
    }

    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, threads: Int?) throws(ShapeError) -> (input: Tensor, parameters: [Tensor]) {
        (try backward(input: input, outputGradient: outputGradient), [])
    }

    public var parameters: [Tensor] { [] }

    public func updateParameters(_ update: (_ index: Int, _ parameter: inout Tensor) -> Void) {}
}

extension AdaptiveAveragePooling2D: Module {
    public func forward(_ input: Tensor, mode: Mode, threads: Int?) throws(ShapeError) -> Tensor {
        try self(input)
    }

    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, threads: Int?) throws(ShapeError) -> (input: Tensor, parameters: [Tensor]) {
        (try backward(input: input, outputGradient: outputGradient), [])
    }

    public var parameters: [Tensor] { [] }

    public func updateParameters(_ update: (_ index: Int, _ parameter: inout Tensor) -> Void) {}
}

extension Activation: Module {
    public func forward(_ input: Tensor, mode: Mode, threads: Int?) throws(ShapeError) -> Tensor {
        forward(input)
    }

    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, threads: Int?) throws(ShapeError) -> (input: Tensor, parameters: [Tensor]) {
        (try backward(input: input, output: output, outputGradient: outputGradient), [])
    }

    public var parameters: [Tensor] { [] }

    public func updateParameters(_ update: (_ index: Int, _ parameter: inout Tensor) -> Void) {}
}

extension Flatten: Module {
    public func forward(_ input: Tensor, mode: Mode, threads: Int?) throws(ShapeError) -> Tensor {
        try self(input)
    }

    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, threads: Int?) throws(ShapeError) -> (input: Tensor, parameters: [Tensor]) {
        (try backward(input: input, outputGradient: outputGradient), [])
    }

    public var parameters: [Tensor] { [] }

    public func updateParameters(_ update: (_ index: Int, _ parameter: inout Tensor) -> Void) {}
}

extension Reshape: Module {
    public func forward(_ input: Tensor, mode: Mode, threads: Int?) throws(ShapeError) -> Tensor {
        try self(input)
    }

    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, threads: Int?) throws(ShapeError) -> (input: Tensor, parameters: [Tensor]) {
        (try backward(input: input, outputGradient: outputGradient), [])
    }

    public var parameters: [Tensor] { [] }

    public func updateParameters(_ update: (_ index: Int, _ parameter: inout Tensor) -> Void) {}
}

extension Dropout: Module {
    public mutating func forward(_ input: Tensor, mode: Mode, threads: Int?) throws(ShapeError) -> Tensor {
        forward(input, mode: mode)
    }

    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, threads: Int?) throws(ShapeError) -> (input: Tensor, parameters: [Tensor]) {
        (try backward(outputGradient: outputGradient), [])
    }

    public var parameters: [Tensor] { [] }

    public func updateParameters(_ update: (_ index: Int, _ parameter: inout Tensor) -> Void) {}
}

extension LocallyConnected2D: Module {
    public func forward(_ input: Tensor, mode: Mode, threads: Int?) throws(ShapeError) -> Tensor {
        try self(input, threads: threads)
    }

    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor, threads: Int?) throws(ShapeError) -> (input: Tensor, parameters: [Tensor]) {
        let gradients = try backward(input: input, outputGradient: outputGradient, threads: threads)
        return (gradients.input, gradients.parameters)
    }
}
