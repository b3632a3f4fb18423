/**
 * Neural denoisers and velocity fields trained with DJL (PyTorch engine, CPU native library from
 * Maven Central, offline).
 *
 * <ul>
 *   <li>{@link org.diffusion4j.nn.net.TimeMlp}: time-conditioned residual MLP (sinusoidal or random
 *       Fourier embedding, optional class conditioning with a null class);</li>
 *   <li>{@link org.diffusion4j.nn.objective}: denoising score matching (eps, x0, v, EDM), flow
 *       matching and stochastic-interpolant objectives on any core path, with weightings and
 *       time sampling; per-sample math in plain Java, one batched DJL graph per step;</li>
 *   <li>{@link org.diffusion4j.nn.train.Trainer}: AdamW, warm-up + cosine, clipping, EMA, loss
 *       guard, atomic resumable {@link org.diffusion4j.nn.train.Checkpoint}s;</li>
 *   <li>{@link org.diffusion4j.nn.NeuralDenoiser}: a trained network as a core
 *       {@link org.diffusion4j.model.Denoiser}, plus autograd divergence for likelihoods;</li>
 *   <li>{@link org.diffusion4j.nn.data}: seeded 2-D toys and NPY/CSV tables.</li>
 * </ul>
 *
 * <p>Threads: PyTorch intra-op threads default to 1 ({@code -Dai.djl.pytorch.num_threads=N}
 * overrides; see {@link org.diffusion4j.nn.DjlRuntime} for the measurement behind the default).
 * Results are bitwise reproducible for a fixed thread count.
 */
package org.diffusion4j.nn;
