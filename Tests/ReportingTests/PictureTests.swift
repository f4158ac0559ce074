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

    @Test("the font draws 'a' as the HD44780 shape, and upper case as lower case")
    func font() {
        var pixels = [UInt8](repeating: 0, count: 5 * 8)
        BitmapFont.draw("A", into: &pixels, imageWidth: 5, x: 0, y: 0, scale: 1, value: 1)
        let rows = (0..<8).map { row in pixels[row * 5..<row * 5 + 5].map { $0 == 1 ? "#" : "." }.joined() }
        #expect(rows == [".....", ".....", ".###.", "....#", ".####", "#...#", ".####", "....."])
        #expect(BitmapFont.width(of: "abc", scale: 2) == 34)
    }
}


struct ColorPictureTests {
    @Test("a contact sheet places each tile above its label on white; a signed tile gets a colour bar with its ends written")
    func contactSheet() {
        let dark = ColorPicture(width: 4, height: 2, fill: (0, 0, 0))
        let signed = ColorPicture(diverging: [-1, 0, 1, 0.5], width: 2, height: 2, limit: 1)
        let sheet = ColorPicture.contactSheet([.init(label: "a", picture: dark), .init(label: "b", picture: signed, barLimit: "1")])
        // Two tiles: 2 columns, 1 row. Cells are as wide as the widest of tile, label and bar
        // ("-1", a 96-pixel bar and "+1" at scale 1 with 4-pixel gaps: 2·11 + 96 + 8 = 126),
        // as tall as the tallest tile (2) plus the label's 24 and the bar's row of 14.
        let (gap, cellWidth, cellHeight) = (12, 126, 2 + 24 + 14)
        #expect((sheet.width, sheet.height) == (gap + 2 * (cellWidth + gap), gap + cellHeight + gap))
        func pixel(_ x: Int, _ y: Int) -> [UInt8] { Array(sheet.pixels[3 * (y * sheet.width + x)..<3 * (y * sheet.width + x) + 3]) }
        #expect((0..<4).allSatisfy { x in (0..<2).allSatisfy { y in pixel(gap + x, gap + y) == [0, 0, 0] } })
        let second = gap + cellWidth + gap
        // −1, 0 / 1, 0.5: darkest blue, the middle, darkest red, palette entry (0.5 + 1) · 127 ≈ 191.
        let half = DivergingColorMap.palette[191]
        #expect(pixel(second, gap) == [5, 48, 97] && pixel(second + 1, gap) == [247, 247, 247])
        #expect(pixel(second, gap + 1) == [103, 0, 31] && pixel(second + 1, gap + 1) == [half.red, half.green, half.blue])
        #expect(pixel(0, 0) == [255, 255, 255])
        // The bar, blue at its left end and red at its right, right of "-1".
        let (barLeft, barTop) = (second + BitmapFont.width(of: "-1", scale: 1) + 4, gap + 2 + 24)
        #expect(pixel(barLeft, barTop)[2] > pixel(barLeft, barTop)[0] && pixel(barLeft + 95, barTop)[0] > pixel(barLeft + 95, barTop)[2])
        // Labels are black.
        #expect((0..<10).contains { x in (0..<16).contains { y in pixel(gap + x, gap + 2 + 4 + y) == [0, 0, 0] } })
    }

    @Test("the diverging colours: −limit darkest blue, 0 the middle, +limit darkest red, beyond saturated, NaN black")
    func diverging() {
        let picture = ColorPicture(diverging: [-2, -1, 0, 1, 3, .nan], width: 6, height: 1, limit: 1)
        #expect(picture.pixels == [5, 48, 97, 5, 48, 97, 247, 247, 247, 103, 0, 31, 103, 0, 31, 0, 0, 0])
    }

    @Test("fitting averages blocks channel by channel, as GrayPicture does; gray pictures become equal RGB")
    func fitting() {
        let gray = GrayPicture(map: (0..<15).map(Float.init), width: 5, height: 3)
        let color = ColorPicture(gray)
        #expect(color.pixels == gray.pixels.flatMap { [$0, $0, $0] })
        #expect(color.fitting(3) == ColorPicture(gray.fitting(3)))
        #expect(color.fitting(5) == color)
    }
}
