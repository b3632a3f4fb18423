package org.diffusion4j.sde;

/**
 * A Brownian motion that can be queried on any interval, in any order, and always returns the
 * same values for the same seed: the virtual Brownian tree of Gaines &amp; Lyons (1997) as used
 * by torchsde's BrownianInterval and diffrax's VirtualBrownianTree, carrying the space-time Levy
 * area so that strong order 1.5 schemes see the exact time integral of W.
 *
 * <p>Each node of a dyadic bisection of [t0, t1] holds, per component, its increment w and its
 * space-time Levy area H = (1/h) int (W_r - W_a - (r-a)/h w) dr. The root draws w ~ N(0, T),
 * H ~ N(0, T/12); a node splits at r into (W1, H1) on [a, r] conditioned on (w, H) of the
 * parent (the Gaussian bridge of the pair; with h1 = r-a, h2 = b-r, h = h1+h2):
 * <pre>
 *   E[W1] = (h1/h) w + 6 h1 h2 / h^2 H        Var W1 = h1 h2/h - 3 h1^2 h2^2 / h^3
 *   E[H1] = (h1/h)^2 H                        Var H1 = h1/12 - h1^4 / (12 h^3)
 *   Cov(W1, H1) = -h1^3 h2 / (2 h^3)
 * </pre>
 * and (W2, H2) on [r, b] follow from w = W1 + W2 and
 * H = h2/(2h) W1 + h1/h H1 - h1/(2h) W2 + h2/h H2 (at the midpoint this is Foster's split,
 * W1 = w/2 + 3H/2 + sqrt(h)/4 Z). The two normals of a split are the two 32-bit halves of one
 * hash of the node's heap number (root 1, children 2k and 2k + 1) and the path's seed
 * ({@link CounterNormal#fromBits32}), so a node has the same value whichever query reached it
 * first, and the hashes of the levels of one descent do not wait for each other. Points are resolved by bisection until they hit a
 * node endpoint exactly (dyadic grids never need more) or the node is shorter than the
 * tolerance; then the point is drawn once from the bridge of that leaf (keyed by the point), so
 * two distinct non-dyadic points inside one leaf are only approximately jointly distributed,
 * with an error of order sqrt(tol).
 *
 * <p>Values are W(r) and Q(r) = int_t0^r W; increments are differences of these, so
 * W(s,u) = W(s,t) + W(t,u) up to rounding. Each path caches its last root-to-leaf branch with
 * the bridge state (W, Q, w, H) of every node on it, and the values at the last point queried,
 * as torchsde's BrownianInterval and diffrax cache recent intervals: an increment [s, t] after
 * one ending at s re-reads s, and resolving t only bisects below the common ancestor of s and t.
 * The cost per query is the depth below that ancestor, set by the leaf tolerance: see
 * {@link #forSpacing}. A split computes both children; a one-component path keeps the one not taken, so a
 * left-to-right walk splits each node once; the side taken is a bit mask, not a branch. A cached
 * node holds r when a &lt;= r &lt; b, so a point that ends one node and starts the next is always
 * resolved from the split that made it, and has the same bits whatever was queried before.
 *
 * <p>Leaf blocks: when queries sweep along the leaves (the last block served at least two, or two
 * walks in a row ended below one node), the path expands the node 4 levels above the leaves into
 * its 16 leaves at once, with the same splits in the same order, and answers the queries inside
 * from that block by a look-up and one leaf draw; a sweep's increment [s, t] with s the last point
 * and t in the block (one component) skips the rest of the query path. The walk's control flow
 * (about 70% of a step before) is then paid once per 16 leaves. The block is a cache: every value
 * is bitwise the walk's (BrownianTreeBlockTest), so seeds give the values they gave before.
 */
public final class BrownianTree implements BrownianSource {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final int MAX_DEPTH = 62;
  private static final double INV_SQRT48 = 1.0 / Math.sqrt(48.0);
  private static final long ONE_BITS = Double.doubleToRawLongBits(1.0);
  private static final long SIGN_BIT = Long.MIN_VALUE;
  private static final long LEAF_MULTIPLIER = 0xD1B54A32D192ED03L;

  private final long seed;
  private final int dim;
  private final double t0;
  private final double t1;
  private final double tol;
  /** sqrt of the nominal node length (t1 - t0) 2^-level, per level, for the midpoint split. */
  private final double[] sqrtLen = new double[MAX_DEPTH + 1];
  /** 0.25 sqrtLen, 0.125 sqrtLen and sqrtLen / sqrt(48) per level: the split's products, computed once. */
  private final double[] quarterSqrtLen = new double[MAX_DEPTH + 1];
  private final double[] eighthSqrtLen = new double[MAX_DEPTH + 1];
  private final double[] oddSqrtLen = new double[MAX_DEPTH + 1];
  /** The leaf level: the first whose nominal node length is at most the tolerance (at most MAX_DEPTH). */
  private final int leafLevel;
  /** Levels of a leaf block: a block is the subtree of 2^BLOCK_LEVELS leaves below one node. */
  private static final int BLOCK_LEVELS = 4;
  private static final int BLOCK_LEAVES = 1 << BLOCK_LEVELS;
  /** The level of the block nodes (leafLevel - BLOCK_LEVELS), or -1 when the tree is too shallow for blocks. */
  private final int blockLevel;

  private BrownianTree(long seed, int dim, double t0, double t1, double tol) {
    if (dim < 1) {
      throw new IllegalArgumentException("Brownian dimension must be >= 1, got " + dim);
    }
    if (!(t1 > t0) || !Double.isFinite(t0) || !Double.isFinite(t1)) {
      throw new IllegalArgumentException("Brownian tree needs finite t0 < t1, got t0=" + t0 + ", t1=" + t1);
    }
    if (!(tol > 0)) {
      throw new IllegalArgumentException("Brownian tree tolerance must be > 0, got " + tol);
    }
    this.seed = seed;
    this.dim = dim;
    this.t0 = t0;
    this.t1 = t1;
    this.tol = tol;
    int leaf = 0;
    while (leaf < MAX_DEPTH && Math.scalb(t1 - t0, -leaf) > tol) {
      leaf++;
    }
    this.leafLevel = leaf;
    this.blockLevel = leaf >= BLOCK_LEVELS ? leaf - BLOCK_LEVELS : -1;
    for (int lev = 0; lev <= MAX_DEPTH; lev++) {
      sqrtLen[lev] = Math.sqrt(Math.scalb(t1 - t0, -lev));
      quarterSqrtLen[lev] = 0.25 * sqrtLen[lev];
      eighthSqrtLen[lev] = 0.125 * sqrtLen[lev];
      oddSqrtLen[lev] = sqrtLen[lev] * INV_SQRT48;
    }
  }

  /**
   * A tree on [t0, t1] with leaf tolerance (t1 - t0) * 2^-24. Values are exactly distributed for
   * any set of query points no two of which share a leaf, i.e. spaced more than about
   * 6e-8 (t1 - t0) apart; dyadic grids (dt = (t1 - t0) 2^-k) are resolved in a few nodes per step.
   */
  public static BrownianTree of(long seed, int m, double t0, double t1) {
    return new BrownianTree(seed, m, t0, t1, (t1 - t0) * 0x1p-24);
  }

  /**
   * A tree for queries at least {@code spacing} apart, e.g. a fixed-step solve with dt = spacing:
   * leaves are the first dyadic level no longer than {@code spacing}, so no two such points share
   * a leaf and every value is exactly distributed, and a left-to-right sweep is served from leaf
   * blocks (class comment): about one split and one leaf draw per step, 5-6x torchsde's
   * BrownianInterval per CPU-second at dt = 1e-3 (docs/sde.md). A default tree, resolved to 2^-24
   * of the interval, bisects about log2(dt 2^24 / T) times per non-dyadic step: 14 at dt = 1e-3 T.
   * Closer points are still consistent and reproducible, only approximately jointly distributed.
   */
  public static BrownianTree forSpacing(long seed, int m, double t0, double t1, double spacing) {
    if (!(spacing > 0) || !Double.isFinite(spacing)) {
      throw new IllegalArgumentException("Brownian tree spacing must be positive and finite, got " + spacing);
    }
    return new BrownianTree(seed, m, t0, t1, spacing);
  }

  /** A tree with an explicit leaf tolerance. */
  public static BrownianTree of(long seed, int m, double t0, double t1, double tol) {
    return new BrownianTree(seed, m, t0, t1, tol);
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public boolean reproducible() {
    return true;
  }

  public double t0() {
    return t0;
  }

  public double t1() {
    return t1;
  }

  @Override
  public Path path(long index) {
    return new Path(mix(seed + GOLDEN * (index + 1)) ^ 0x2545F4914F6CDD1DL);
  }

  static long mix(long z) {
    return CounterNormal.mix(z);
  }

  /** {@code ifZero} when {@code mask} is 0, {@code ifOnes} when it is -1: a branch-free select, bit-exact. */
  private static double select(double ifZero, double ifOnes, long mask) {
    long x = Double.doubleToRawLongBits(ifZero);
    return Double.longBitsToDouble(x ^ ((x ^ Double.doubleToRawLongBits(ifOnes)) & mask));
  }

  /** One sample path; holds the cached branch of the tree. Not thread-safe. */
  public final class Path implements BrownianPath {
    private final int m = dim;
    /** Base of the node hashes: node {@code id} (heap numbering, root 1) draws from mix(nodeBase + GOLDEN id). */
    private final long nodeBase;
    /** Base of the leaf-draw keys, disjoint from the node hashes. */
    private final long leafBase;
    private final double[] a = new double[leafLevel + 1];
    private final double[] b = new double[leafLevel + 1];
    private final long[] id = new long[leafLevel + 1];
    // Per level and component: W(a), Q(a), increment w over [a, b], Levy area H over [a, b].
    private final double[] wa;
    private final double[] qa;
    private final double[] w;
    private final double[] hh;
    private int depth;
    // Scalar paths (m = 1): the other child of each split on the branch (its id and state), so that
    // a left-to-right walk turning right at a node it split before reuses the split (one split per node).
    private final long[] otherId = new long[leafLevel + 1];
    private final double[] otherW = new double[leafLevel + 1];
    private final double[] otherQ = new double[leafLevel + 1];
    private final double[] otherDw = new double[leafLevel + 1];
    private final double[] otherH = new double[leafLevel + 1];
    private final double[] ws;
    private final double[] scratchW;
    private final double[] scratchQ;
    private final double[] qs;
    private final double[] wt;
    private final double[] qt;
    // The last point queried and its values: an increment [s, t] after [., s] re-reads s from here.
    private double lastR = Double.NaN;
    private boolean lastHasQ;
    private final double[] lastW;
    private final double[] lastQ;

    // The leaf block (class comment): the 2^BLOCK_LEVELS leaves below the node blockId of level
    // blockLevel, with their edges, 1 / length and bridge states, so that a query inside it costs a
    // look-up and one leaf draw. Empty (NaN edges) until two queries in a row miss into one node.
    private double blockStart = Double.NaN;
    private double blockEnd = Double.NaN;
    private double blockScale;
    private long blockId;
    private long blockHits;
    /** Whether blockQa holds the time integrals (filled on the first query that needs them). */
    private boolean blockHasQ;
    private long lastMissBlock;
    private double[] blockA;
    private double[] blockB;
    private double[] blockInv;
    private double[] blockWa;
    private double[] blockQa;
    private double[] blockW;
    private double[] blockH;

    Path(long rootSeed) {
      int size = (leafLevel + 1) * m; // only the levels down to the leaves are ever used
      wa = new double[size];
      qa = new double[size];
      w = new double[size];
      hh = new double[size];
      ws = new double[m];
      scratchW = new double[m];
      scratchQ = new double[m];
      qs = new double[m];
      wt = new double[m];
      qt = new double[m];
      lastW = new double[m];
      lastQ = new double[m];
      a[0] = t0;
      b[0] = t1;
      id[0] = 1;
      // The root's own values use rootSeed; splits and leaves use derived bases (no shared counters).
      nodeBase = mix(rootSeed + 0x3C6EF372FE94F82BL);
      leafBase = mix(rootSeed + 0xA54FF53A5F1D36F1L);
      double len = t1 - t0;
      double sw = Math.sqrt(len);
      double sh = Math.sqrt(len / 12.0);
      for (int j = 0; j < m; j++) {
        w[j] = sw * CounterNormal.normal(rootSeed, 2 * j);
        hh[j] = sh * CounterNormal.normal(rootSeed, 2 * j + 1);
      }
    }

    @Override
    public int dim() {
      return m;
    }

    /** W(r) - W(t0) into {@code wOut[off..]} and Q(r) = int_t0^r (W - W(t0)) into {@code qOut[off..]}. */
    public void value(double r, double[] wOut, double[] qOut, int off) {
      point(r, wOut, qOut, off, true);
    }

    /** As value(); without {@code withQ} the leaf skips the Levy area (W is the same either way). */
    private void point(double r, double[] wOut, double[] qOut, int off, boolean withQ) {
      if (!(r >= t0 && r <= t1)) {
        throw new IllegalArgumentException("Brownian tree on [" + t0 + ", " + t1 + "] queried at t=" + r);
      }
      // Plain loops: m is usually 1, where System.arraycopy's call costs more than the copy.
      if (r == lastR && (lastHasQ || !withQ)) {
        for (int j = 0; j < m; j++) {
          wOut[off + j] = lastW[j];
          qOut[off + j] = lastQ[j];
        }
        return;
      }
      if (inBlock(r)) {
        blockPoint(r, wOut, qOut, off, withQ);
      } else {
        resolve(r, wOut, qOut, off, withQ);
        afterWalk();
      }
      lastR = r;
      lastHasQ = withQ;
      for (int j = 0; j < m; j++) {
        lastW[j] = wOut[off + j];
        lastQ[j] = qOut[off + j];
      }
    }

    /**
     * The deepest node of the cached branch holding r, as a <= r < b (the root also holds t1): a
     * point that ends a node and starts its right neighbour is then resolved from the ancestor
     * that split there, as a fresh path resolves it, so its value is bitwise independent of the
     * queries before it.
     */
    private int walkUp(double r) {
      int lev = depth;
      while (lev > 0 && !(a[lev] <= r && r < b[lev])) {
        lev--;
      }
      return lev;
    }

    /**
     * After a query resolved by the walk: builds the leaf block below the branch's node at the
     * block level when blocks pay, i.e. when the last block served at least two queries (a
     * sequential sweep) or this query fell into the same block node as the previous walk (so
     * scattered queries, e.g. a default tree stepped at dt much larger than its leaves, never
     * pay for a block). Only the cost depends on this choice, never the values.
     */
    private void afterWalk() {
      if (blockLevel < 0 || depth < blockLevel) {
        return;
      }
      long candidate = id[blockLevel];
      boolean build = blockHits >= 2 || candidate == lastMissBlock;
      lastMissBlock = candidate;
      if (build && !(candidate == blockId && blockStart == a[blockLevel])) {
        buildBlock();
      }
    }

    /** Whether the current leaf block holds r (for tests: shows that the block path served a query). */
    boolean leafBlockHolds(double r) {
      return r >= blockStart && r < blockEnd;
    }

    /**
     * Whether r (not yet validated) is in the leaf block, after moving the block to r's node when
     * the last block served a sweep (blocks pay) and r is a point the block can hold.
     */
    private boolean inBlock(double r) {
      if (r >= blockStart && r < blockEnd) {
        return true;
      }
      return blockHits >= 2 && r >= t0 && r < t1 && descendToBlockLevel(r) && buildBlock() && r >= blockStart && r < blockEnd;
    }

    /**
     * While blocks pay (a sweep): extends the cached branch from the node holding r down to the
     * block level only, with the walk's splits; false (the branch kept valid) when r ends a node
     * or a node would be a leaf before that level, where the walk takes over.
     */
    private boolean descendToBlockLevel(double r) {
      if (m == 1) {
        // The scalar walk, stopped at the block level (it reuses the other child of each split).
        return resolveScalar(r, scratchW, scratchQ, 0, false, blockLevel);
      }
      int lev = walkUp(r);
      while (lev < blockLevel) {
        double al = a[lev];
        double bl = b[lev];
        double len = bl - al;
        double mid = al + 0.5 * len;
        if (r == al || r == bl || len <= tol || !(mid > al && mid < bl)) {
          depth = lev;
          return false;
        }
        makeChild(lev, mid, r > mid);
        lev++;
      }
      depth = lev;
      return true;
    }

    /**
     * Expands the branch's node at the block level into its 2^BLOCK_LEVELS leaves with the
     * splits of {@link #makeChild} (same hashes, same formulas, same order of operations, so every
     * leaf state is bitwise the one the walk computes). The block is stored as a heap: node n
     * (1 the block node, children 2n and 2n + 1, leaves BLOCK_LEAVES..2 BLOCK_LEAVES - 1), so the
     * expansion is one loop over the internal nodes. A node that the walk would not split
     * (shorter than the tolerance, or a midpoint that rounds onto an end) leaves the block empty
     * and its queries to the walk.
     */
    private boolean buildBlock() {
      if (blockA == null) {
        blockA = new double[2 * BLOCK_LEAVES];
        blockB = new double[2 * BLOCK_LEAVES];
        blockInv = new double[BLOCK_LEAVES];
        blockWa = new double[2 * BLOCK_LEAVES * m];
        blockQa = new double[2 * BLOCK_LEAVES * m];
        blockW = new double[2 * BLOCK_LEAVES * m];
        blockH = new double[2 * BLOCK_LEAVES * m];
      }
      double[] ea = blockA;
      double[] eb = blockB;
      int top = blockLevel;
      long node0 = id[top];
      ea[1] = a[top];
      eb[1] = b[top];
      for (int j = 0; j < m; j++) {
        blockWa[m + j] = wa[top * m + j];
        blockQa[m + j] = qa[top * m + j];
        blockW[m + j] = w[top * m + j];
        blockH[m + j] = hh[top * m + j];
      }
      boolean regular = true;
      for (int n = 1; n < BLOCK_LEAVES; n++) {
        double al = ea[n];
        double bl = eb[n];
        double len = bl - al;
        double mid = al + 0.5 * len;
        regular &= len > tol & mid > al & mid < bl;
        ea[2 * n] = al;
        eb[2 * n] = mid;
        ea[2 * n + 1] = mid;
        eb[2 * n + 1] = bl;
      }
      if (!regular) {
        blockStart = Double.NaN;
        blockEnd = Double.NaN;
        blockHits = 0;
        return false;
      }
      if (m == 1) {
        splitBlockScalar(node0);
      } else {
        splitBlock(node0);
      }
      // Leaves of one length (any dyadic-aligned interval) share one division.
      double lastLen = Double.NaN;
      double lastInv = Double.NaN;
      for (int i = 0; i < BLOCK_LEAVES; i++) {
        double len = eb[BLOCK_LEAVES + i] - ea[BLOCK_LEAVES + i];
        if (len != lastLen) {
          lastLen = len;
          lastInv = 1.0 / len;
        }
        blockInv[i] = lastInv;
      }
      blockStart = ea[1];
      blockEnd = eb[1];
      blockScale = BLOCK_LEAVES / (blockEnd - blockStart);
      blockId = node0;
      blockHits = 0;
      blockHasQ = false;
      return true;
    }

    /**
     * The splits of the block's internal nodes (heap order, so a parent before its children), W
     * and H only: Q follows in {@link #blockQ} when a query needs it. Formulas of {@link #makeChild}.
     */
    private void splitBlock(long node0) {
      double[] bwa = blockWa;
      double[] bw = blockW;
      double[] bh = blockH;
      for (int n = 1; n < BLOCK_LEAVES; n++) {
        int k = 31 - Integer.numberOfLeadingZeros(n);
        double sq = sqrtLen[blockLevel + k];
        long h = mix(nodeBase + GOLDEN * ((node0 << k) + n - (1 << k)));
        for (int j = 0; j < m; j++) {
          long hj = j == 0 ? h : mix(h + GOLDEN * j);
          double z1 = CounterNormal.fromBits32((int) hj, hj);
          double z2 = CounterNormal.fromBits32((int) (hj >>> 32), ~hj);
          int o = n * m + j;
          int l = 2 * n * m + j;
          int c = l + m;
          double dw = bw[o];
          double hA = bh[o];
          double wA = bwa[o];
          double shared = 1.5 * hA + 0.25 * sq * z1;
          double hCommon = 0.25 * hA - 0.125 * sq * z1;
          double hOdd = sq * INV_SQRT48 * z2;
          double wLeft = 0.5 * dw + shared;
          bwa[l] = wA;
          bw[l] = wLeft;
          bh[l] = hCommon + hOdd;
          bwa[c] = wA + wLeft;
          bw[c] = 0.5 * dw - shared;
          bh[c] = hCommon - hOdd;
        }
      }
    }

    /** {@link #splitBlock} for one component. */
    private void splitBlockScalar(long node0) {
      int top = blockLevel;
      double[] bwa = blockWa;
      double[] bw = blockW;
      double[] bh = blockH;
      for (int n = 1; n < BLOCK_LEAVES; n++) {
        int k = 31 - Integer.numberOfLeadingZeros(n);
        int lev = top + k;
        long h = mix(nodeBase + GOLDEN * ((node0 << k) + n - (1 << k)));
        double z1 = CounterNormal.fromBits32((int) h, h);
        double z2 = CounterNormal.fromBits32((int) (h >>> 32), ~h);
        double dw = bw[n];
        double hA = bh[n];
        double wA = bwa[n];
        // (0.25 sq) z1 etc.: Java's left-to-right products, so bitwise those of makeChild.
        double shared = 1.5 * hA + quarterSqrtLen[lev] * z1;
        double hCommon = 0.25 * hA - eighthSqrtLen[lev] * z1;
        double hOdd = oddSqrtLen[lev] * z2;
        double wLeft = 0.5 * dw + shared;
        bwa[2 * n] = wA;
        bw[2 * n] = wLeft;
        bh[2 * n] = hCommon + hOdd;
        bwa[2 * n + 1] = wA + wLeft;
        bw[2 * n + 1] = 0.5 * dw - shared;
        bh[2 * n + 1] = hCommon - hOdd;
      }
    }

    /**
     * The time integrals Q at the block's node starts, from the split results kept in the heap
     * (left child: W and H of the left half): Q(mid) = Q(a) + (mid - a) (W(a) + w_left/2 + H_left),
     * as {@link #makeChild} computes it.
     */
    private void blockQ() {
      double[] bwa = blockWa;
      double[] bqa = blockQa;
      double[] bw = blockW;
      double[] bh = blockH;
      for (int n = 1; n < BLOCK_LEAVES; n++) {
        double hm = blockB[2 * n] - blockA[n];
        for (int j = 0; j < m; j++) {
          int o = n * m + j;
          int l = 2 * n * m + j;
          double qA = bqa[o];
          bqa[l] = qA;
          bqa[l + m] = qA + hm * (bwa[o] + 0.5 * bw[l] + bh[l]);
        }
      }
      blockHasQ = true;
    }

    /** The leaf of the block holding r (blockStart <= r < blockEnd), as a heap index: an estimate from the position, corrected against the edges. */
    private int blockLeaf(double r) {
      int n = BLOCK_LEAVES + Math.min((int) ((r - blockStart) * blockScale), BLOCK_LEAVES - 1);
      while (r < blockA[n]) {
        n--;
      }
      while (r >= blockB[n]) {
        n++;
      }
      return n;
    }

    /**
     * A point inside the leaf block, drawn from its leaf as {@link #leaf} does; a leaf's left
     * edge returns the stored value (the split that made the edge computed it).
     */
    private void blockPoint(double r, double[] wOut, double[] qOut, int off, boolean withQ) {
      if (withQ && !blockHasQ) {
        blockQ();
      }
      int n = blockLeaf(r);
      blockHits++;
      int o = n * m;
      double al = blockA[n];
      if (r == al) {
        for (int j = 0; j < m; j++) {
          wOut[off + j] = blockWa[o + j];
          qOut[off + j] = withQ ? blockQa[o + j] : Double.NaN;
        }
        return;
      }
      drawLeaf(al, blockB[n], blockInv[n - BLOCK_LEAVES], (blockId << BLOCK_LEVELS) + n - BLOCK_LEAVES, o, blockWa, blockQa,
          blockW, blockH, r, wOut, qOut, off, withQ);
    }

    /**
     * {@link #blockPoint} for one component, for the sweep fast path of {@code increment}: the
     * same operations, written to the last-point cache (lastR, lastW, lastQ) directly.
     */
    private void blockScalar(double r, boolean withQ) {
      if (withQ && !blockHasQ) {
        blockQ();
      }
      int n = blockLeaf(r);
      blockHits++;
      lastR = r;
      lastHasQ = withQ;
      double al = blockA[n];
      double wA = blockWa[n];
      if (r == al) {
        lastW[0] = wA;
        lastQ[0] = withQ ? blockQa[n] : Double.NaN;
        return;
      }
      double bl = blockB[n];
      double len = bl - al;
      long h = mix((leafBase + GOLDEN * ((blockId << BLOCK_LEVELS) + n - BLOCK_LEAVES)) ^ Double.doubleToLongBits(r) * LEAF_MULTIPLIER);
      double h1 = r - al;
      double inv = blockInv[n - BLOCK_LEAVES];
      double x = h1 * inv;
      double y = (bl - r) * inv;
      double l11 = Math.sqrt(Math.max(len * x * y * (1.0 - 3.0 * x * y), 0.0));
      double z1 = CounterNormal.fromBits32((int) h, h);
      double hA = blockH[n];
      double w1 = x * blockW[n] + 6.0 * x * y * hA + l11 * z1;
      lastW[0] = wA + w1;
      if (withQ) {
        double l21 = l11 > 0 ? -0.5 * len * x * x * x * y / l11 : 0.0;
        double l22 = Math.sqrt(Math.max(len * x * (1.0 - x * x * x) / 12.0 - l21 * l21, 0.0));
        double z2 = CounterNormal.fromBits32((int) (h >>> 32), ~h);
        lastQ[0] = blockQa[n] + h1 * (wA + 0.5 * w1 + x * x * hA + l21 * z1 + l22 * z2);
      }
    }

    /** Walks up the cached branch to the node holding r, then bisects down to r. */
    private void resolve(double r, double[] wOut, double[] qOut, int off, boolean withQ) {
      if (m == 1) {
        resolveScalar(r, wOut, qOut, off, withQ, Integer.MAX_VALUE);
        return;
      }
      int lev = walkUp(r);
      while (true) {
        double al = a[lev];
        double bl = b[lev];
        if (r == al) {
          int o = lev * m;
          for (int j = 0; j < m; j++) {
            wOut[off + j] = wa[o + j];
            qOut[off + j] = qa[o + j];
          }
          break;
        }
        double len = bl - al;
        if (r == bl) {
          int o = lev * m;
          for (int j = 0; j < m; j++) {
            double w0 = wa[o + j];
            wOut[off + j] = w0 + w[o + j];
            qOut[off + j] = qa[o + j] + len * (w0 + 0.5 * w[o + j] + hh[o + j]);
          }
          break;
        }
        double mid = al + 0.5 * len;
        if (len <= tol || lev == leafLevel || !(mid > al && mid < bl)) {
          leaf(lev, r, wOut, qOut, off, withQ);
          break;
        }
        makeChild(lev, mid, r > mid);
        lev++;
      }
      depth = lev;
    }

    /**
     * {@link #resolve} for one component, with the node's state in registers: the same values as
     * {@link #makeChild} (same formulas), without the per-component loop. A non-dyadic point's
     * side is a coin flip per level, so the side is a bit mask, not a branch.
     */
    private boolean resolveScalar(double r, double[] wOut, double[] qOut, int off, boolean withQ, int stopLevel) {
      int lev = walkUp(r);
      double al = a[lev];
      double bl = b[lev];
      double wA = wa[lev];
      double qA = qa[lev];
      double dw = w[lev];
      double hA = hh[lev];
      long node = id[lev];
      while (true) {
        if (lev >= stopLevel) {
          depth = lev;
          return true;
        }
        if (r == al) {
          wOut[off] = wA;
          qOut[off] = qA;
          break;
        }
        double len = bl - al;
        if (r == bl) {
          wOut[off] = wA + dw;
          qOut[off] = qA + len * (wA + 0.5 * dw + hA);
          break;
        }
        double mid = al + 0.5 * len;
        if (len <= tol || lev == leafLevel || !(mid > al && mid < bl)) {
          // The leaf draw of leaf(), in registers.
          long h = mix((leafBase + GOLDEN * node) ^ Double.doubleToLongBits(r) * LEAF_MULTIPLIER);
          double h1 = r - al;
          double inv = 1.0 / len;
          double x = h1 * inv;
          double y = (bl - r) * inv;
          double l11 = Math.sqrt(Math.max(len * x * y * (1.0 - 3.0 * x * y), 0.0));
          double z1 = CounterNormal.fromBits32((int) h, h);
          double w1 = x * dw + 6.0 * x * y * hA + l11 * z1;
          wOut[off] = wA + w1;
          if (withQ) {
            double l21 = l11 > 0 ? -0.5 * len * x * x * x * y / l11 : 0.0;
            double l22 = Math.sqrt(Math.max(len * x * (1.0 - x * x * x) / 12.0 - l21 * l21, 0.0));
            double z2 = CounterNormal.fromBits32((int) (h >>> 32), ~h);
            qOut[off] = qA + h1 * (wA + 0.5 * w1 + x * x * hA + l21 * z1 + l22 * z2);
          } else {
            qOut[off] = Double.NaN;
          }
          break;
        }
        long sel = r > mid ? -1L : 0L;
        long child = 2 * node - sel; // heap numbering: left 2 id, right 2 id + 1
        if (otherId[lev + 1] == child) {
          wA = otherW[lev + 1];
          qA = otherQ[lev + 1];
          dw = otherDw[lev + 1];
          hA = otherH[lev + 1];
        } else {
          long h = mix(nodeBase + GOLDEN * node);
          double z1 = CounterNormal.fromBits32((int) h, h);
          double z2 = CounterNormal.fromBits32((int) (h >>> 32), ~h);
          double sq = sqrtLen[lev];
          double shared = 1.5 * hA + 0.25 * sq * z1;
          double hCommon = 0.25 * hA - 0.125 * sq * z1;
          double hOdd = sq * INV_SQRT48 * z2;
          // Left child [al, mid]: (wA, qA, wLeft, hLeft); right child [mid, bl]: (wA + wLeft, qMid, wRight, hRight).
          double wLeft = 0.5 * dw + shared;
          double hLeft = hCommon + hOdd;
          double wRight = 0.5 * dw - shared;
          double hRight = hCommon - hOdd;
          double wMid = wA + wLeft;
          double qMid = qA + (mid - al) * (wA + 0.5 * wLeft + hLeft);
          otherId[lev + 1] = child ^ 1;
          otherW[lev + 1] = select(wMid, wA, sel);
          otherQ[lev + 1] = select(qMid, qA, sel);
          otherDw[lev + 1] = select(wRight, wLeft, sel);
          otherH[lev + 1] = select(hRight, hLeft, sel);
          wA = select(wA, wMid, sel);
          qA = select(qA, qMid, sel);
          dw = select(wLeft, wRight, sel);
          hA = select(hLeft, hRight, sel);
        }
        al = select(al, mid, sel);
        bl = select(mid, bl, sel);
        node = child;
        lev++;
        a[lev] = al;
        b[lev] = bl;
        wa[lev] = wA;
        qa[lev] = qA;
        w[lev] = dw;
        hh[lev] = hA;
        id[lev] = node;
      }
      depth = lev;
      return false;
    }

    /**
     * Draws the point r inside node {@code lev} from the node's bridge (class comment, x = h1/h,
     * y = h2/h; coefficients shared by all components), keyed by the node and r.
     */
    private void leaf(int lev, double r, double[] wOut, double[] qOut, int off, boolean withQ) {
      drawLeaf(a[lev], b[lev], 1.0 / (b[lev] - a[lev]), id[lev], lev * m, wa, qa, w, hh, r, wOut, qOut, off, withQ);
    }

    /**
     * The bridge draw of r inside the leaf [al, bl] (1 / length {@code inv}, heap number
     * {@code leafId}) whose state (W(a), Q(a), w, H) is at {@code o..o+m-1} of the given arrays,
     * keyed by the leaf and r: shared by the walk's leaves and the leaf blocks.
     */
    private void drawLeaf(double al, double bl, double inv, long leafId, int o, double[] srcWa, double[] srcQa,
        double[] srcW, double[] srcH, double r, double[] wOut, double[] qOut, int off, boolean withQ) {
      double len = bl - al;
      long h = mix((leafBase + GOLDEN * leafId) ^ Double.doubleToLongBits(r) * LEAF_MULTIPLIER);
      double h1 = r - al;
      double x = h1 * inv;
      double y = (bl - r) * inv;
      double l11 = Math.sqrt(Math.max(len * x * y * (1.0 - 3.0 * x * y), 0.0));
      double l21 = l11 > 0 ? -0.5 * len * x * x * x * y / l11 : 0.0;
      double l22 = withQ ? Math.sqrt(Math.max(len * x * (1.0 - x * x * x) / 12.0 - l21 * l21, 0.0)) : 0.0;
      for (int j = 0; j < m; j++) {
        long hj = j == 0 ? h : mix(h + GOLDEN * j);
        double z1 = CounterNormal.fromBits32((int) hj, hj);
        double hA = srcH[o + j];
        double w1 = x * srcW[o + j] + 6.0 * x * y * hA + l11 * z1;
        double wA = srcWa[o + j];
        wOut[off + j] = wA + w1;
        if (withQ) {
          double z2 = CounterNormal.fromBits32((int) (hj >>> 32), ~hj);
          qOut[off + j] = srcQa[o + j] + h1 * (wA + 0.5 * w1 + x * x * hA + l21 * z1 + l22 * z2);
        } else {
          qOut[off + j] = Double.NaN;
        }
      }
    }

    /**
     * The child of node {@code lev} on its left or right half: the bridge formulas of the class
     * comment at h1 = h2 = h/2, W1 = w/2 + 3H/2 + sqrt(h)/4 Z1, H1 = H/4 - sqrt(h)/8 Z1
     * + sqrt(h/48) Z2, and W2 = w - W1, H2 = 2H - W1/2 - H1 + W2/2 (Foster's split). Both
     * children are computed and one is selected by bit masks, with no branch on the side: a
     * non-dyadic point's side is a coin flip per level, which a branch mispredicts half the time.
     * Z1 and Z2 of component j come from the two halves of one hash of (node id, j).
     */
    private void makeChild(int lev, double mid, boolean right) {
      int o = lev * m;
      int c = o + m;
      double al = a[lev];
      double half = mid - al;
      double sq = sqrtLen[lev];
      long sel = right ? -1L : 0L;
      double sign = Double.longBitsToDouble(ONE_BITS | (sel & SIGN_BIT));
      long node = id[lev];
      long h = mix(nodeBase + GOLDEN * node);
      for (int j = 0; j < m; j++) {
        long hj = j == 0 ? h : mix(h + GOLDEN * j);
        double z1 = CounterNormal.fromBits32((int) hj, hj);
        double z2 = CounterNormal.fromBits32((int) (hj >>> 32), ~hj);
        double dw = w[o + j];
        double hA = hh[o + j];
        double wA = wa[o + j];
        double qA = qa[o + j];
        double shared = 1.5 * hA + 0.25 * sq * z1;
        double hCommon = 0.25 * hA - 0.125 * sq * z1;
        double hOdd = sq * INV_SQRT48 * z2;
        double wLeft = 0.5 * dw + shared;
        double hLeft = hCommon + hOdd;
        w[c + j] = 0.5 * dw + sign * shared;
        hh[c + j] = hCommon + sign * hOdd;
        wa[c + j] = select(wA, wA + wLeft, sel);
        qa[c + j] = select(qA, qA + half * (wA + 0.5 * wLeft + hLeft), sel);
      }
      a[lev + 1] = select(al, mid, sel);
      b[lev + 1] = select(mid, b[lev], sel);
      id[lev + 1] = 2 * node - sel; // heap numbering: left 2 id, right 2 id + 1
    }

    @Override
    public void increment(double s, double t, double[] dw, int off) {
      if (m == 1 && s == lastR && inBlock(t)) {
        // A sweep: s is the last point and t is in the leaf block.
        double w0 = lastW[0];
        blockScalar(t, false);
        dw[off] = lastW[0] - w0;
        return;
      }
      point(s, ws, qs, 0, false);
      point(t, wt, qt, 0, false);
      for (int j = 0; j < m; j++) {
        dw[off + j] = wt[j] - ws[j];
      }
    }

    @Override
    public void increment(double s, double t, double[] dw, double[] iw, int off) {
      if (m == 1 && s == lastR && lastHasQ && inBlock(t)) {
        double w0 = lastW[0];
        double q0 = lastQ[0];
        blockScalar(t, true);
        dw[off] = lastW[0] - w0;
        iw[off] = lastQ[0] - q0 - (t - s) * w0;
        return;
      }
      value(s, ws, qs, 0);
      value(t, wt, qt, 0);
      double h = t - s;
      for (int j = 0; j < m; j++) {
        dw[off + j] = wt[j] - ws[j];
        iw[off + j] = qt[j] - qs[j] - h * ws[j];
      }
    }
  }
}
