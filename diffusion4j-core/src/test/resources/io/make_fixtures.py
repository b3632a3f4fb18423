#!/usr/bin/env python3
"""Writes the NPY and IDX test fixtures of diffusion4j-core's io tests, and manifest.json with
the expected dtype, shape and C-order values (as IEEE-754 float64 bit patterns, so NaN, -0.0 and
infinities compare exactly). Deterministic; re-run from this directory with python3 + numpy:

    python3 make_fixtures.py
"""
import gzip
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261125)
manifest = {}


def record(rel, arr):
    flat = np.ascontiguousarray(arr).astype(np.float64).ravel(order="C")
    manifest[rel] = {
        "descr": arr.dtype.str,
        "shape": list(arr.shape),
        "bits": ["%016x" % b for b in flat.view(np.uint64)],
    }


def npy(name, arr, version=None):
    rel = "npy/" + name
    with open(os.path.join(HERE, rel), "wb") as f:
        np.lib.format.write_array(f, arr, version=version)
    record(rel, arr)


os.makedirs(os.path.join(HERE, "npy"), exist_ok=True)
os.makedirs(os.path.join(HERE, "idx"), exist_ok=True)

special = np.array([0.0, -0.0, 1.5, -2.25, np.inf, -np.inf, np.nan, 5e-324, 1e-300, 1.7976931348623157e308,
                    np.pi, -1.0 / 3.0])
npy("f8_le_2d.npy", special.reshape(3, 4).astype("<f8"))
npy("f8_be_2d.npy", special.reshape(4, 3).astype(">f8"))
with np.errstate(over="ignore"):
    npy("f4_le_1d.npy", special.astype("<f4"))
npy("f4_be_3d.npy", rng.standard_normal((2, 3, 2)).astype(">f4"))
npy("i4_le_3d.npy", np.array([0, 1, -1, 2**31 - 1, -2**31, 7, 8, 9, 10, 11, 12, -12]).reshape(2, 3, 2).astype("<i4"))
npy("i4_be_1d.npy", np.array([3, -4, 2**31 - 1, -2**31], dtype=">i4"))
npy("i8_le_1d.npy", np.array([0, -1, 2**53, -2**53, 2**62, -2**63, 2**63 - 1], dtype="<i8"))
npy("i8_be_2d.npy", np.arange(-3, 3, dtype=">i8").reshape(2, 3))
npy("u1_2d.npy", np.array([[0, 1, 127], [128, 254, 255]], dtype="|u1"))
npy("i1_1d.npy", np.array([0, 1, -1, 127, -128], dtype="|i1"))
npy("u2_le_1d.npy", np.array([0, 1, 65535, 300], dtype="<u2"))
npy("i2_le_2d.npy", np.array([[0, -32768], [32767, -5]], dtype="<i2"))
npy("u8_le_1d.npy", np.array([0, 2**64 - 1, 2**63], dtype="<u8"))
npy("b1_1d.npy", np.array([True, False, True]))
npy("scalar_f8.npy", np.array(2.5))
npy("scalar_i4.npy", np.array(-7, dtype="<i4"))
npy("empty_2d.npy", np.zeros((0, 3)))
npy("f8_4d.npy", rng.standard_normal((2, 1, 3, 2)))
npy("v2_f8_2d.npy", rng.standard_normal((3, 2)), version=(2, 0))
npy("v3_f8_1d.npy", rng.standard_normal(4), version=(3, 0))
npy("fortran_f8_2d.npy", np.asfortranarray(np.arange(12, dtype="<f8").reshape(3, 4)))
npy("fortran_i4_3d.npy", np.asfortranarray(np.arange(24, dtype="<i4").reshape(2, 3, 4)))
npy("fortran_be_f4_2d.npy", np.asfortranarray(np.arange(6, dtype=">f4").reshape(2, 3)))

# NPZ archives: numpy.savez (stored entries) and savez_compressed (deflated entries).
os.makedirs(os.path.join(HERE, "npz"), exist_ok=True)
npz_arrays = {"x": rng.standard_normal((3, 2)), "labels": np.array([1, 2, 250], dtype="|u1"), "t": np.array(0.5)}
np.savez(os.path.join(HERE, "npz/stored.npz"), **npz_arrays)
np.savez_compressed(os.path.join(HERE, "npz/compressed.npz"), **npz_arrays)
for key, arr in npz_arrays.items():
    record("npz/*.npz:" + key, arr)

# IDX (MNIST layout): magic 0 0 type ndim, big-endian int32 dims, big-endian data.
IDX_TYPES = {"u1": (0x08, ">u1"), "i1": (0x09, ">i1"), "i2": (0x0B, ">i2"), "i4": (0x0C, ">i4"),
             "f4": (0x0D, ">f4"), "f8": (0x0E, ">f8")}


def idx(name, arr, kind, compress):
    code, dt = IDX_TYPES[kind]
    a = np.ascontiguousarray(arr.astype(dt))
    body = bytes([0, 0, code, a.ndim]) + b"".join(struct.pack(">i", n) for n in a.shape) + a.tobytes()
    rel = "idx/" + name
    with open(os.path.join(HERE, rel), "wb") as f:
        f.write(gzip.compress(body, mtime=0) if compress else body)
    record(rel, a)
    manifest[rel]["descr"] = {"u1": "|u1", "i1": "|i1"}.get(kind, a.dtype.str)


idx("images_u1.idx", rng.integers(0, 256, (3, 4, 5)), "u1", False)
idx("images_u1.idx.gz", rng.integers(0, 256, (3, 4, 5)), "u1", True)
idx("labels_u1.idx.gz", np.array([5, 0, 4, 1, 9, 2]), "u1", True)
idx("i1.idx", np.array([-128, 0, 127]), "i1", False)
idx("i2.idx", np.array([[-32768, 1], [2, 32767]]), "i2", False)
idx("i4.idx.gz", np.array([-2**31, 0, 2**31 - 1]), "i4", True)
idx("f4.idx", rng.standard_normal((2, 2)), "f4", False)
idx("f8.idx", special, "f8", False)

with open(os.path.join(HERE, "manifest.json"), "w") as f:
    f.write("{\n" + ",\n".join(json.dumps(k) + ": " + json.dumps(manifest[k], separators=(",", ":"))
                                for k in sorted(manifest)) + "\n}\n")
