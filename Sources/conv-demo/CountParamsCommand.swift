/// `conv-demo count-params`: the parameters a shared 3×3 kernel needs against a
/// fully-connected layer on the same image. A placeholder until that issue lands.
struct CountParamsCommand: Command {
    static let spec = CommandSpec(
        path: ["count-params"],
        abstract: "Count a convolution's weights against a fully-connected layer's (not implemented yet).",
        make: { _ in CountParamsCommand() })

    func run() {
        print("""
            count-params is not implemented yet: this build has the GEMM it will stand on.
            It will compare a 3×3 convolution (9 weights, whatever the image size) with a
            fully-connected layer of 1000 neurons on a 1920×1080 image (2,073,600,000 weights).
            """)
    }
}
