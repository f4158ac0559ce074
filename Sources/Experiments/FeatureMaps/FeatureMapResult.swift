import ConvCore
import Foundation
import Netpbm
import PNGCodec
import Reporting

/// What `featuremap` made: the maps' sizes and statistics, the output-size arithmetic, and
/// the files written.
public struct FeatureMapResult: Report, Sendable {
    public let experiment: FeatureMapExperiment
    /// The image file, as the user would type it.
    public let source: String
    public let image: NetpbmImage
    /// The file's format, and what its image leaves out (a PNG's alpha).
    public let format: ImageFile.Format
    public let omissions: [String]
    public let maps: FeatureMaps

    /// A file of the output directory, as the user would type it.
    private func path(_ name: String) -> String { (experiment.output as NSString).appendingPathComponent(name) }

    public var text: String {
        let kind = (image.kind == .floatmap ? "PFM floats as stored" : "values sample / maxval, maxval \(image.maxval)")
            + (format == .png ? " (PNG\(omissions.map { "; " + $0 }.joined()))" : "")
        var geometries: [ConvGeometry] = []
        for map in maps.maps where !geometries.contains(map.geometry) { geometries.append(map.geometry) }
        let arithmetic = geometries.map { geometry in
            let label = "  \(geometry.kernel) kernels: "
            return label + "width  \(geometry.width.formula)\n" + String(repeating: " ", count: label.count) + "height \(geometry.height.formula)"
        }.joined(separator: "\n")
        var table = TextTable([("map", .left), ("size", .right), ("min", .right), ("max", .right), ("mean", .right), ("shown", .left)])
        for map in maps.maps {
            table.append([map.name, "\(map.width)×\(map.height)", fixed(Double(map.minimum), 4), fixed(Double(map.maximum), 4),
                          fixed(map.mean, 4), map.isSigned ? "signed: 0 white (.png), mid-gray (.pgm)" : "unsigned: min–max"])
        }
        return """
            Feature maps of \(source): \(image.width)×\(image.height), \(image.channels == 3 ? "colour (named kernels see its BT.709 luma)" : "gray"), \(kind)
            layer: \(experiment.settings(maps)); \(grouped(maps.weights)) weights, shared by every position
            output size, ⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1:
            \(arithmetic)

            \(table.rendered())
            wrote \(maps.maps.count * FeatureMapExperiment.mapFiles.count + FeatureMapExperiment.sheetFiles.count + 1) files into \(experiment.output): NAME.pfm (exact floats), NAME.pgm and NAME.png for each map,
            \(path("sheet.ppm")) and \(path("sheet.png")) (contact sheet), \(path("index.html")) (open it in a browser)

            """
    }

    public var json: JSON {
        let padding: JSON = switch experiment.padding {
        case .explicit(let size): size.json
        case .same, .valid: .string("\(experiment.padding)")
        }
        return .object([
            ("image", .string(source)), ("image_index", .int(experiment.imageIndex)), ("format", .string(format.rawValue)),
            ("omitted", .array(omissions.map(JSON.string))),
            ("input", .object([("width", .int(maps.width)), ("height", .int(maps.height)), ("channels", .int(maps.channels))])),
            ("kernels", .array(experiment.kernels.map(JSON.string))),
            ("random", experiment.random.map { random in
                .object([("count", .int(random.count)), ("size", random.size.json), ("init", .string(random.scheme)), ("seed", .int(Int(random.seed)))])
            } ?? .null),
            ("stride", experiment.stride.json), ("padding", padding), ("dilation", experiment.dilation.json),
            ("activation", .string(experiment.activation.rawValue)), ("threads", .int(experiment.threads)),
            ("maps", .array(maps.maps.map { map in
                .object([
                    ("name", .string(map.name)), ("width", .int(map.width)), ("height", .int(map.height)),
                    ("min", .float(map.minimum)), ("max", .float(map.maximum)), ("mean", .number(map.mean)),
                    ("signed", .bool(map.isSigned)), ("pfm", .string(path("\(map.name).pfm"))), ("pgm", .string(path("\(map.name).pgm"))),
                    ("png", .string(path("\(map.name).png"))),
                ])
            })),
            ("sheet", .array(FeatureMapExperiment.sheetFiles.map { .string(path($0)) })),
            ("html", .string(path("index.html"))),
        ])
    }
}
