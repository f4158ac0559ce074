import Reporting

/// `sharing --kernels FILE`: one self-contained HTML page of what each variant's first
/// layer learned, from the first seed's runs. For three output positions, the weights
/// each of the six output channels applies there: the same six 5×5 kernels at every
/// position for `conv`, six kernels of its own at each position for `local`, and for `fc`
/// a weight for every input pixel (28×28). Weights are drawn with 0 mid-gray and the
/// largest in size of each picture white or black.
public struct SharingKernelPage: Sendable {
    public let result: SharingResult

    public init(_ result: SharingResult) {
        self.result = result
    }

    private static let descriptions: [SharingExperiment.Variant: String] = [
        .conv: "shared: the same six kernels at every position (weight sharing), each used at all 784 positions",
        .local: "not shared: six kernels of its own at every position, each trained only by what passed its window",
        .fc: "fully connected: every output value weighs all 784 input pixels; shown, the 784 weights of the unit at that position",
    ]

    public var html: String {
        let seed = result.experiment.training.seed
        let sections = result.experiment.variants.compactMap { variant -> String? in
            guard let run = result.runs.first(where: { $0.variant == variant && $0.seed == seed }), let layer = run.firstLayer else { return nil }
            let rows = zip(layer.positions, layer.pictures).map { position, pictures in
                "<tr><th>(\(position.x), \(position.y))</th>" + pictures.map { picture in
                    "<td><img src=\"\(PNG.dataURI(GrayPicture(signed: picture.weights, width: picture.width, height: picture.height)))\" alt=\"\" width=\"\(picture.width > 8 ? 112 : 56)\"></td>"
                }.joined() + "</tr>"
            }.joined(separator: "\n")
            return """
                <h2>\(variant.rawValue): \(grouped(run.parameters)) parameters, test accuracy \(fixed(100 * run.test.accuracy, 1))%</h2>
                <p>\(escapeHTML(Self.descriptions[variant] ?? ""))</p>
                <table><tr><th>position (x, y)</th>\(layer.pictures.first.map { $0.indices.map { "<th>channel \($0 + 1)</th>" }.joined() } ?? "")</tr>
                \(rows)
                </table>
                """
        }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>sharing: what the first layer learned</title>
            <style>
              body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 80em; }
              img { image-rendering: pixelated; border: 1px solid #ccc; }
              th { font-weight: normal; padding: 0 0.6em; text-align: left; }
            </style>
            </head>
            <body>
            <h1>What the first layer learned</h1>
            <p>Made by <code>conv-demo sharing</code> on \(escapeHTML(result.experiment.training.data.name)), seed \(seed): LeNet-5 for 28×28 trained three
            ways. Each picture is the weights one output channel applies at one position of its 28×28 map; 0 is mid-gray,
            the largest weight of the picture in size is white (positive) or black (negative).</p>
            \(sections)
            </body>
            </html>

            """
    }
}
