/// A shape or hyperparameter that does not fit: a kernel larger than the padded input, a
/// stride of 0, channels that the groups do not divide. The message names the number
/// that is wrong and says why, in one line.
public struct ShapeError: Error, Equatable, CustomStringConvertible, Sendable {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
