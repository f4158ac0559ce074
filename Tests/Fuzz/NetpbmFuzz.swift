// libFuzzer harness for the Netpbm reader: built with the Netpbm sources by `swiftc
// -sanitize=fuzzer,address` (see README.md), not by SwiftPM.
//
// Every input must be read without a crash, a trap or an allocation beyond the pixel
// limit; an image that reads must also survive a write and a read unchanged.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNetpbm(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    for index in 0..<2 {
        guard let image = try? NetpbmImage(reading: bytes, image: index, pixelLimit: 1 << 16) else { continue }
        for plain in [false, true] {
            let again = try? NetpbmImage(reading: image.encoded(plain: plain))
            if again != image { fatalError("the image changed on a write and a read (plain: \(plain))") }
        }
    }
    return 0
}
