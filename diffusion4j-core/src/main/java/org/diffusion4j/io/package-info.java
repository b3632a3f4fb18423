/**
 * File formats: numpy arrays ({@link org.diffusion4j.io.Npy} for {@code .npy},
 * {@link org.diffusion4j.io.Npz} for {@code .npz}), MNIST's IDX ({@link org.diffusion4j.io.Idx}),
 * numeric CSV ({@link org.diffusion4j.io.Csv}) and JSON specs ({@link org.diffusion4j.io.Json}).
 * Arrays read as an immutable {@link org.diffusion4j.io.NdArray} (shape, C-order doubles, dtype
 * name) or directly as a {@link org.diffusion4j.array.Batch}.
 *
 * <p>Contract of every reader: bad input raises a {@link org.diffusion4j.io.FormatException}
 * (an {@link java.lang.IllegalArgumentException}; {@link org.diffusion4j.io.JsonException} for
 * JSON) whose message names the file and the problem, and nothing else: no other exception
 * type, no hang, and no allocation driven by an unverified size (a header claiming a huge shape
 * is compared with the bytes actually present first). The parsers are fuzzed with seeded
 * mutations in the tests. Every writer is atomic ({@link org.diffusion4j.io.AtomicFiles}).
 *
 * <pre>{@code
 * Batch x = Npy.readBatch(Path.of("data.npy"));          // (n, d); (n,) reads as (n, 1)
 * Npy.write(Path.of("samples.npy"), x);                  // <f8, readable by numpy.load
 * NdArray images = Idx.read(Path.of("train-images-idx3-ubyte.gz"));
 * Csv.Table t = Csv.read(Path.of("table.csv"), Csv.Options.defaults().columns("x", "y"));
 * }</pre>
 */
package org.diffusion4j.io;
