import ConvCore
import Reporting

extension Size2D {
    /// `{"width": …, "height": …}`: JSON names its fields, width first, as users type sizes.
    public var json: JSON { .object([("width", .int(width)), ("height", .int(height))]) }
}
