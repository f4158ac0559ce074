import ConvCore

/// Images of one size with a class label each: a dataset's split as a network sees it.
/// Pixels are `sample / maxval`, in [0, 1], stored [N, C, H, W].
public struct LabeledImages: Sendable {
    public let size: Size2D
    public let channels: Int
    /// N · C · H · W values in [0, 1].
    public let pixels: [Float]
    /// One per image, each in 0..<classes.count.
    public let labels: [Int]
    /// The classes' names: "0"…"9" for IDX files, the folders' names for image folders.
    public let classes: [String]

    public var count: Int { labels.count }

    /// - Precondition: `pixels` holds count · channels · size values, every label names a class.
    init(size: Size2D, channels: Int, pixels: [Float], labels: [Int], classes: [String]) {
        precondition(pixels.count == labels.count * channels * size.width * size.height, "LabeledImages: pixels and labels disagree")
        (self.size, self.channels, self.pixels, self.labels, self.classes) = (size, channels, pixels, labels, classes)
    }

    /// The images centred on a larger canvas of zeros, as LeCun put the 28×28 MNIST digits
    /// in the 32×32 input of LeNet-5 (the odd pixel of a margin goes right and down).
    /// - Throws: `DatasetError` when an image is larger than the canvas on either axis, or
    ///   the channels differ: the message gives both sizes.
    public func centred(on canvas: Size2D, channels wanted: Int) throws(DatasetError) -> LabeledImages {
        guard channels == wanted else {
            throw DatasetError(.malformed, "the images have \(channels) channel\(channels == 1 ? "" : "s"); the model takes \(wanted)")
        }
        guard size.width <= canvas.width, size.height <= canvas.height else {
            throw DatasetError(.malformed, "the images are \(size.width)×\(size.height), larger than the model's \(canvas.width)×\(canvas.height) input")
        }
        guard size != canvas else { return self }
        let (left, top) = ((canvas.width - size.width) / 2, (canvas.height - size.height) / 2)
        let plane = canvas.width * canvas.height
        var result = [Float](repeating: 0, count: count * channels * plane)
        for image in 0..<count * channels {
            for y in 0..<size.height {
                let from = (image * size.height + y) * size.width
                let to = image * plane + (top + y) * canvas.width + left
                result[to..<to + size.width] = pixels[from..<from + size.width]
            }
        }
        return LabeledImages(size: canvas, channels: channels, pixels: result, labels: labels, classes: classes)
    }

    /// Every image moved `dx` pixels right and `dy` down (negative: left and up), the
    /// pixels pushed past the edge dropped and the vacated border filled with 0: the
    /// same digit somewhere else, to ask whether a network still knows it.
    public func shifted(dx: Int, dy: Int) -> LabeledImages {
        guard dx != 0 || dy != 0 else { return self }
        let (width, height) = (size.width, size.height)
        var result = [Float](repeating: 0, count: pixels.count)
        // The output columns and rows that receive a pixel from inside the image.
        let columns = max(0, dx)..<max(max(0, dx), min(width, width + dx))
        let rows = max(0, dy)..<max(max(0, dy), min(height, height + dy))
        for plane in 0..<count * channels {
            for y in rows {
                let to = (plane * height + y) * width
                let from = (plane * height + y - dy) * width - dx
                for x in columns { result[to + x] = pixels[from + x] }
            }
        }
        return LabeledImages(size: size, channels: channels, pixels: result, labels: labels, classes: classes)
    }

    /// The first `limit` images (all when there are fewer).
    public func prefix(_ limit: Int) -> LabeledImages {
        let kept = min(limit, count), values = channels * size.width * size.height
        return LabeledImages(size: size, channels: channels, pixels: Array(pixels[..<(kept * values)]), labels: Array(labels[..<kept]), classes: classes)
    }

    /// As a tensor [N, C, H, W] and the labels.
    public func tensor() throws(ShapeError) -> (inputs: Tensor, labels: [Int]) {
        (try Tensor(shape: [count, channels, size.height, size.width], scalars: pixels), labels)
    }
}

/// A dataset that cannot be read: missing (EX_NOINPUT) or malformed (EX_DATAERR), with a
/// one-line message that names the file.
public struct DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        case missing, malformed
        /// Well formed, perhaps, but larger than the caller's limit allows.
        case tooLarge
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        (self.kind, self.message) = (kind, message)
    }

    public var description: String { message }
}
