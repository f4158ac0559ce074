import ConvCore
import Reporting

/// The output-size arithmetic written out with the numbers filled in, for people to
/// check by hand: output-size prints it, featuremap shows it for the user's image.
extension AxisGeometry {
    /// `⌊(1920 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 = ⌊1917 / 1⌋ + 1 = 1918`
    public var formula: String {
        let padding = padBefore == padAfter ? "2·\(padBefore)" : "\(padBefore) + \(padAfter)"
        let numerator = input + padBefore + padAfter - span
        return "⌊(\(input) + \(padding) − \(dilation)·(\(kernel) − 1) − 1) / \(stride)⌋ + 1 = ⌊\(numerator) / \(stride)⌋ + 1 = \(output)"
    }

    /// What the stride leaves over at the end of this axis, in a sentence:
    /// "1 column at the right is read by no window (1917 = 2·958 + 1)".
    public func unusedSentence(line: String, end: String) -> String {
        guard unused > 0 else { return "every \(line) is read by some window" }
        let numerator = input + padBefore + padAfter - span
        let lines = unused == 1 ? line : line + "s"
        let padding = unused - unusedImagePixels
        let split = padding == 0 ? "" : padding == unused ? ", all of it padding" : ", \(padding) of them padding"
        return "\(unused) \(lines) at the \(end) \(unused == 1 ? "is" : "are") read by no window (\(numerator) = \(stride)·\(numerator / stride) + \(unused))\(split)"
    }
}
