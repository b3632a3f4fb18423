/**
 * Small deterministic control environments and offline datasets for planning and policy learning
 * (plain Java, no dependencies): a continuous 2-D maze navigation task modelled on D4RL's
 * maze2d ({@link PointMaze} on a {@link MazeLayout}), a 2-D pick-and-place task with one
 * discrete grip action ({@link GripTask}), noisy scripted experts ({@link MazeExpert},
 * {@link GripExpert}) and {@link OfflineDataset}, the transitions they generate, saved as NPY
 * together with their generation seed. Every random choice comes from {@link org.diffusion4j.random.Rng}
 * streams, so a seed determines every bit.
 */
package org.diffusion4j.control;
