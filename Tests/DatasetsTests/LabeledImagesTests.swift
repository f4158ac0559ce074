import ConvCore
import Testing

@testable import Datasets

struct LabeledImagesTests {
    /// Two images of 3×2 pixels, one channel:  [1 2 3]  and  [ 7  8  9]
    ///                                          [4 5 6]       [10 11 12]
    let images = LabeledImages(size: Size2D(height: 2, width: 3), channels: 1, pixels: (1...12).map(Float.init), labels: [0, 1], classes: ["a", "b"])

    @Test("a shift moves every image, drops what passes the edge and fills the border with 0")
    func byHand() {
        #expect(images.shifted(dx: 1, dy: 0).pixels == [0, 1, 2, 0, 4, 5, 0, 7, 8, 0, 10, 11])
        #expect(images.shifted(dx: -1, dy: 1).pixels == [0, 0, 0, 2, 3, 0, 0, 0, 0, 8, 9, 0])
        #expect(images.shifted(dx: 0, dy: 0).pixels == images.pixels)
        #expect(images.shifted(dx: 3, dy: 0).pixels == [Float](repeating: 0, count: 12))
        #expect(images.shifted(dx: 0, dy: -5).pixels == [Float](repeating: 0, count: 12))
        #expect(images.shifted(dx: 1, dy: 1).labels == [0, 1])
    }

    @Test("shifts equal the definition, out[y][x] = in[y − dy][x − dx] or 0, for every shift that fits and some that do not")
    func reference() {
        let (width, height, channels) = (5, 4, 2)
        let pixels = (0..<(3 * channels * width * height)).map { Float($0 % 17) + 1 }
        let set = LabeledImages(size: Size2D(height: height, width: width), channels: channels, pixels: pixels, labels: [0, 0, 0], classes: ["x"])
        for dx in -6...6 {
            for dy in -5...5 {
                var expected = [Float](repeating: 0, count: pixels.count)
                for plane in 0..<(3 * channels) {
                    for y in 0..<height {
                        for x in 0..<width where (0..<height).contains(y - dy) && (0..<width).contains(x - dx) {
                            expected[(plane * height + y) * width + x] = pixels[(plane * height + y - dy) * width + x - dx]
                        }
                    }
                }
                #expect(set.shifted(dx: dx, dy: dy).pixels == expected, "dx \(dx), dy \(dy)")
            }
        }
    }
}
