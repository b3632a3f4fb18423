/**
 * Graphs for graph generation: an immutable simple {@link org.diffusion4j.graph.Graph}, the
 * edge-list format ({@link org.diffusion4j.graph.EdgeLists}) and adjacency NPY
 * ({@link org.diffusion4j.graph.GraphFiles}), GDSS's bundled benchmark sets
 * ({@link org.diffusion4j.graph.GraphDatasets}) and generators
 * ({@link org.diffusion4j.graph.GraphGenerators}), and the evaluation GDSS reports: degree,
 * clustering and 4-node-orbit MMD ({@link org.diffusion4j.graph.GraphMmd},
 * {@link org.diffusion4j.graph.OrbitCounter}), validity, uniqueness and novelty
 * ({@link org.diffusion4j.graph.GraphSetMetrics}, {@link org.diffusion4j.graph.Isomorphism}).
 * PARD's block decomposition is {@link org.diffusion4j.graph.PardBlocks}.
 *
 * <pre>{@code
 * List<Graph> test = GraphDatasets.test("community_small");
 * List<Graph> generated = EdgeLists.read(Path.of("generated.txt"));
 * GraphMmd.Table t = GraphMmd.gdss(test, generated);   // degree, clustering, orbit MMD^2
 * }</pre>
 */
package org.diffusion4j.graph;
