import Reporting
import Testing

struct GrayPictureTests {
    @Test("signed maps keep 0 at mid-gray, unsigned ones stretch min–max, flat ones are black")
    func scaling() {
        #expect(GrayPicture(map: [-2, 0, 1, 2], width: 4, height: 1).pixels == [0, 128, 191, 255])
        #expect(GrayPicture(map: [1, 2, 3], width: 3, height: 1).pixels == [0, 128, 255])
        #expect(GrayPicture(map: [5, 5], width: 2, height: 1).pixels == [0, 0])
        #expect(GrayPicture(unit: [0, 0.5, 1, 2, -1], width: 5, height: 1).pixels == [0, 128, 255, 255, 0])
    }

    @Test("fitting averages blocks, partial ones at the edges")
    func fitting() {
        // 0…14 stretched to 0…255:   0  18  36  55  73
        //                            91 109 128 146 164
        //                           182 200 219 237 255
        let picture = GrayPicture(map: (0..<15).map(Float.init), width: 5, height: 3)
        #expect(picture.pixels == [0, 18, 36, 55, 73, 91, 109, 128, 146, 164, 182, 200, 219, 237, 255])
        // Factor 2: 2×2 blocks, rounded means; the last column and the last row are partial:
        // (0+18+91+109)/4, (36+55+128+146)/4, (73+164)/2; (182+200)/2, (219+237)/2, 255.
        let small = picture.fitting(3)
        #expect((small.width, small.height) == (3, 2))
        #expect(small.pixels == [55, 91, 119, 191, 228, 255])
        #expect(picture.fitting(5) == picture)
    }

    @Test("a contact sheet places each picture, scaled to its tile, above its label, on white")
    func contactSheet() {
        let dark = GrayPicture(width: 4, height: 2, fill: 0), gray = GrayPicture(width: 8, height: 8, fill: 100)
        let sheet = GrayPicture.contactSheet([("a", dark), ("b", gray)], tile: 4)
        // Two pictures: 2 columns, 1 row. Cells are as wide as the widest tile (4; a label of
        // one glyph at scale 2 is 10) and as tall as the tallest (4) plus the label's 24.
        let (gap, cellWidth, cellHeight) = (12, 10, 4 + 24)
        #expect((sheet.width, sheet.height) == (gap + 2 * (cellWidth + gap), gap + cellHeight + gap))
        func pixel(_ x: Int, _ y: Int) -> UInt8 { sheet.pixels[y * sheet.width + x] }
        #expect((0..<4).allSatisfy { x in (0..<2).allSatisfy { y in pixel(gap + x, gap + y) == 0 } })
        // The 8×8 gray picture, averaged into 4×4 blocks of 100, in the second cell.
        let second = gap + cellWidth + gap
        #expect((0..<4).allSatisfy { x in (0..<4).allSatisfy { y in pixel(second + x, gap + y) == 100 } })
        #expect(pixel(gap + 5, gap + 1) == 255 && pixel(0, 0) == 255)
        // Each label is drawn in black 4 pixels below its picture.
        #expect((0..<10).contains { x in (0..<16).contains { y in pixel(gap + x, gap + 2 + 4 + y) == 0 } })
    }

    @Test("the font draws 'a' as the HD44780 shape, and upper case as lower case")
    func font() {
        var pixels = [UInt8](repeating: 0, count: 5 * 8)
        BitmapFont.draw("A", into: &pixels, imageWidth: 5, x: 0, y: 0, scale: 1, value: 1)
        let rows = (0..<8).map { row in pixels[row * 5..<row * 5 + 5].map { $0 == 1 ? "#" : "." }.joined() }
        #expect(rows == [".....", ".....", ".###.", "....#", ".####", "#...#", ".####", "....."])
        #expect(BitmapFont.width(of: "abc", scale: 2) == 34)
    }
}

