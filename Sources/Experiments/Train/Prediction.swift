import ConvCore
import Foundation
import Netpbm
import PNGCodec
import Reporting

/// `predict`: what a trained network says of single images, such as a digit drawn in a
/// paint program: the three most probable classes and their softmax probabilities.
public struct PredictionResult: Report, Sendable {
    public struct Image: Sendable {
        public let file: String
        /// (class name, probability), most probable first.
        public let top: [(name: String, probability: Double)]
    }

    public let model: TrainedModel
    public let images: [Image]

    public var text: String {
        var table = TextTable([("image", .left), ("1st", .left), ("2nd", .left), ("3rd", .left)])
        for image in images {
            table.append([image.file] + image.top.map { "\($0.name) \(fixed(100 * $0.probability, 1))%" } + Array(repeating: "", count: max(0, 3 - image.top.count)))
        }
        return "predict: \(model.weights) (\(model.model.description))\n\n" + table.rendered()
    }

    public var json: JSON {
        .object([("weights", .string(model.weights)), ("images", .array(images.map { image in
            .object([("file", .string(image.file)), ("top", .array(image.top.map { .object([("class", .string($0.name)), ("probability", .number($0.probability))]) }))])
        }))])
    }
}

extension TrainedModel {
    /// Each image as the network saw its training images: sample / maxval (1 − that with
    /// `invert`, for dark ink on white paper), centred on the input's size, in evaluation mode.
    /// - Parameter classNames: names of the classes, by index (the digits by default).
    public func predict(_ files: [String], invert: Bool, classNames: [String]? = nil, threads: Int?) throws(UserError) -> PredictionResult {
        let classifier = try ClassifierShape(summary, of: model)
        let (size, channels) = (classifier.size, classifier.channels)
        let names = classifier.names(classNames ?? [])
        var network = self.network
        var results: [PredictionResult.Image] = []
        for file in files {
            let bytes = try readBinary(file, what: "the image", maximumBytes: 1 << 28)
            let image: NetpbmImage
            do { image = try ImageFile(reading: bytes, pixelLimit: 1 << 24).image } catch { throw UserError(.badInput, "\(file): \(error)") }
            guard image.channels == channels, image.width <= size.width, image.height <= size.height else {
                throw UserError(.badInput, "\(file) is \(image.width)×\(image.height)×\(image.channels); the network takes \(size.width)×\(size.height)×\(channels) (smaller images are centred)")
            }
            let values = image.unitValues.map { invert ? 1 - $0 : $0 }
            let plane = size.width * size.height
            var canvas = [Float](repeating: 0, count: channels * plane)
            let (left, top) = ((size.width - image.width) / 2, (size.height - image.height) / 2)
            for c in 0..<channels {
                for y in 0..<image.height {
                    for x in 0..<image.width {
                        canvas[c * plane + (top + y) * size.width + left + x] = values[(y * image.width + x) * channels + c]
                    }
                }
            }
            let logits = try shape { () throws(ShapeError) in
                try network.forward(try Tensor(shape: [1, channels, size.height, size.width], scalars: canvas), mode: .evaluation, threads: threads)
            }.scalars.map { Double($0) }
            let largest = logits.max() ?? 0
            let exponentials = logits.map { Foundation.exp($0 - largest) }
            let total = exponentials.reduce(0, +)
            let ranked = exponentials.indices.sorted { (exponentials[$0], $1) > (exponentials[$1], $0) }
            results.append(.init(file: file, top: ranked.prefix(3).map { (name: names[$0], probability: exponentials[$0] / total) }))
        }
        return PredictionResult(model: self, images: results)
    }
}
