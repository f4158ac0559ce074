import ConvCore
import SeededRandom
import Testing
import Training

struct DatasetTests {
    let data = try! Dataset(inputs: try! Tensor(shape: [5, 1, 1, 2], scalars: (0..<10).map(Float.init)), labels: [0, 1, 2, 0, 1])

    @Test("a batch is the given rows, in that order, with their labels")
    func batch() throws {
        let (inputs, labels) = try data.batch([3, 0, 3])
        #expect(inputs.shape == [3, 1, 1, 2])
        #expect(inputs.scalars == [6, 7, 0, 1, 6, 7])
        #expect(labels == [0, 0, 0])
        #expect(try data.batch([]).inputs.shape == [0, 1, 1, 2])
    }

    @Test("random rows are drawn with replacement from the seed, as the generator's draws mod the count")
    func randomRows() {
        var random = SeededGenerator(seed: 42)
        let rows = data.randomRows(4, using: &random)
        var again = SeededGenerator(seed: 42)
        #expect(rows == (0..<4).map { _ in Int(again.next() % 5) })
        // The first draws of seed 42 are 0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E,
        // 0xAE17_5332_39E4_99A1, 0xECB8_AD47_03B3_60A1 (SeededGeneratorTests), 2, 2, 4, 3 mod 5.
        #expect(rows == [2, 2, 4, 3])
    }

    @Test("an epoch visits every row once, in batches of the size asked, the last holding the rest")
    func shuffledBatches() {
        var random = SeededGenerator(seed: 7)
        let batches = data.shuffledBatches(size: 2, using: &random)
        #expect(batches.map(\.count) == [2, 2, 1])
        #expect(batches.flatMap { $0 }.sorted() == [0, 1, 2, 3, 4])
        // Fisher–Yates from the end with the draws of seed 7, worked out independently.
        #expect(batches == [[1, 3], [0, 2], [4]])
    }

    @Test("inputs and labels must agree in number")
    func mismatch() throws {
        #expect(throws: ShapeError("a dataset needs one label per example: inputs [2, 3], 3 labels")) {
            try Dataset(inputs: try Tensor(shape: [2, 3]), labels: [0, 1, 2])
        }
    }
}
