import SeededRandom
import Testing
import _TestSupport

@testable import ConvCore

struct Im2ColTests {
    @Test("a 4×4 image and a 3×3 kernel unfold into the 9 × 4 matrix of docs/convolution.md")
    func workedExample() throws {
        let image: [Float] = (1...16).map(Float.init)  // rows 1 2 3 4 / 5 6 7 8 / 9 10 11 12 / 13 14 15 16
        let im2col = Im2Col(geometry: try ConvGeometry(input: Size2D(4), kernel: Size2D(3)), channels: 1)
        var columns = [Float](repeating: .nan, count: 9 * 4)
        image.withUnsafeBufferPointer { x in
            columns.withUnsafeMutableBufferPointer { c in im2col.unfold(x, positions: 0..<4, into: c) }
        }
        // One row per tap (i, j), one column per window position (0,0) (0,1) (1,0) (1,1).
        #expect(columns == [
            1, 2, 5, 6,
            2, 3, 6, 7,
            3, 4, 7, 8,
            5, 6, 9, 10,
            6, 7, 10, 11,
            7, 8, 11, 12,
            9, 10, 13, 14,
            10, 11, 14, 15,
            11, 12, 15, 16,
        ])
    }

    @Test("adjoint: ⟨im2col x, y⟩ = ⟨x, col2im y⟩ on random geometries and tiles")
    func adjoint() throws {
        var random = SeededGenerator(seed: 101)
        for trial in 0..<200 {
            let (conv, input) = try Conv2DTests.randomCase(&random)
            let geometry = try conv.geometry(for: Size2D(height: input.shape[2], width: input.shape[3]))
            let im2col = Im2Col(geometry: geometry, channels: conv.inChannels / conv.groups)
            let image = try random.tensor([im2col.channels, geometry.height.input, geometry.width.input])
            let first = random.int(0...(geometry.positions - 1))
            let tile = first..<random.int((first + 1)...geometry.positions)
            let y = try random.tensor([im2col.rows, tile.count])

            var columns = [Float](repeating: .nan, count: im2col.rows * tile.count)
            var folded = try Tensor(shape: image.shape)
            image.withUnsafeBufferPointer { x in
                columns.withUnsafeMutableBufferPointer { c in im2col.unfold(x, positions: tile, into: c) }
            }
            y.withUnsafeBufferPointer { c in
                folded.withUnsafeMutableBufferPointer { x in im2col.fold(c, positions: tile, into: x) }
            }
            let left = dot(try Tensor(shape: y.shape, scalars: columns), y)
            let right = dot(image, folded)
            let scale = Double(columns.count) + 1
            #expect(abs(left - right) <= 1e-5 * scale, "trial \(trial): \(left) ≠ \(right)")
        }
    }

    @Test("buffers of another size than the geometry says stop the program before im2col or col2im touch them")
    func wrongSizesTrap() async {
        await #expect(processExitsWith: .failure) {
            let im2col = Im2Col(geometry: try! ConvGeometry(input: Size2D(4), kernel: Size2D(3)), channels: 1)
            var columns = [Float](repeating: 0, count: 9 * 4)
            [Float](repeating: 1, count: 15).withUnsafeBufferPointer { image in
                columns.withUnsafeMutableBufferPointer { im2col.unfold(image, positions: 0..<4, into: $0) }
            }
        }
        await #expect(processExitsWith: .failure) {
            let im2col = Im2Col(geometry: try! ConvGeometry(input: Size2D(4), kernel: Size2D(3)), channels: 1)
            var image = [Float](repeating: 0, count: 16)
            [Float](repeating: 1, count: 9 * 3).withUnsafeBufferPointer { columns in
                image.withUnsafeMutableBufferPointer { im2col.fold(columns, positions: 0..<4, into: $0) }
            }
        }
        await #expect(processExitsWith: .failure) {
            let im2col = Im2Col(geometry: try! ConvGeometry(input: Size2D(4), kernel: Size2D(3)), channels: 1)
            var columns = [Float](repeating: 0, count: 9 * 2)
            [Float](repeating: 1, count: 16).withUnsafeBufferPointer { image in
                columns.withUnsafeMutableBufferPointer { im2col.unfold(image, positions: 3..<5, into: $0) }
            }
        }
    }
}
