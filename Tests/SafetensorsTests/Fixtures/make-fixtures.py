"""Makes the safetensors fixtures with the reference library (safetensors 0.8.0, numpy 2.4.6,
ml_dtypes 0.6.0 for bfloat16). Not part of the build: run once in a scratch venv,

    python3 -m venv /tmp/stvenv && /tmp/stvenv/bin/pip install safetensors numpy ml-dtypes
    /tmp/stvenv/bin/python make-fixtures.py

and commit the .safetensors files. The values are listed in SafetensorsReaderTests.swift
and SafetensorsWriterTests.swift; keep them in step.
"""
import ml_dtypes
import numpy as np
from safetensors.numpy import save_file


def bits(dtype, words):
    """Floats given by their bit patterns, so that subnormals, infinities and NaN payloads
    are exactly what the test expects."""
    return np.array(words, dtype=np.uint16).view(dtype)


# mixed.safetensors: every float dtype the reader converts, integers, a scalar, a tensor of
# no elements, two metadata keys. For the reader only: with two keys the library writes the
# metadata in hash order, which changes from run to run.
mixed = {
    "f32": np.array([0.0, -0.0, 1.5, -2.25, np.inf, -np.inf, np.nan, 2**-126, 2**-149, 3.4028234663852886e38, 0.1, 1 / 3],
                    dtype=np.float32).reshape(3, 4),
    "f16": bits(np.float16, [0x0000, 0x8000, 0x0001, 0x03FF, 0x0400, 0x3C00, 0xC000, 0x3555,
                             0x7BFF, 0x7C00, 0xFC00, 0x7E00, 0x7C01, 0xFE01, 0x8001, 0x0200]).reshape(4, 4),
    "bf16": bits(ml_dtypes.bfloat16, [0x0000, 0x8000, 0x0001, 0x007F, 0x0080, 0x3F80, 0xC040, 0x7F7F,
                                      0x7F80, 0xFF80, 0x7FC0, 0x7F81, 0x3EAB]),
    "f64": np.array([0.1, -1e300, 1e-50, np.pi, 2.0**-149, 1 + 2.0**-24, 1 + 3 * 2.0**-24], dtype=np.float64),
    "i64": np.array([-(2**63), -1, 0, 1, 2**63 - 1, 12345678901234], dtype=np.int64).reshape(2, 3),
    "step": np.array(12345678901234, dtype=np.int64),  # a scalar: shape []
    "i32": np.array([-(2**31), 7], dtype=np.int32),
    "u8": np.array([0, 200, 255], dtype=np.uint8),
    "empty": np.zeros((0, 3), dtype=np.float32),
}
save_file(mixed, "mixed.safetensors", metadata={"format": "np", "source": "make-fixtures.py"})

# written.safetensors: what SafetensorsWriterTests builds, tensor for tensor; the Swift
# writer's output must equal this file byte for byte. One metadata key (see above), with
# every character serde_json escapes and some it does not.
weight = ((np.arange(18) - 9) / 8).astype(np.float32).reshape(2, 1, 3, 3)
written = {
    "0.weight": weight,
    "0.bias": np.array([0.5, -0.25], dtype=np.float32),
    "10.weight": np.array([1.0], dtype=np.float32),
    "2.weight": np.array([[2.0, 3.0]], dtype=np.float32),
    "1.running_mean": np.array([0.0, 0.125], dtype=np.float32),
    "1.running_var": np.array([1.0, 0.75], dtype=np.float32),
    "1.num_batches_tracked": np.array(7, dtype=np.int64),
    "fc.weight": np.array([0.1, 0.2, 0.3], dtype=np.float64),
    "half": bits(np.float16, [0x3C00, 0xC000]),
    "layer.é": np.array([4.0], dtype=np.float32),
    "empty": np.zeros((0,), dtype=np.float32),
}
note = "tab\there \"quoted\" back\\slash\nline\r\x01\x1f\x08\x0c\x7f / é ∑ 🙂"
save_file(written, "written.safetensors", metadata={"note": note})

# no-tensors.safetensors: the empty file the library writes for {} and no metadata.
save_file({}, "no-tensors.safetensors")
