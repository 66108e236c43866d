// Accuracy and calibration of a classifier, accumulated in one streaming pass over blocks of rows
// and mergeable across shards. Used by `losskit score`; also a library module (`losskit/metrics`).
//
// - accuracy / top-k: the label's rank among the K probabilities, ties broken towards the lower
//   class index (so top-1 is `argmax == label` with torch.argmax's first-maximum rule).
// - nll: mean -log p[label] in nats (from log-probabilities when given: exact for logits);
//   perplexity = exp(nll).
// - brier: mean over samples of Σ_c (p_c - [c == label])², Brier (1950)'s multi-class score
//   (0 perfect, 2 worst). In binary mode it is the usual mean (p - y)², half of that sum.
// - ece: expected calibration error with equal-width confidence bins ((m-1)/M, m/M], M = 15, as
//   Guo et al., "On Calibration of Modern Neural Networks" (2017): Σ_m |B_m|/n · |acc(B_m) - conf(B_m)|,
//   confidence = the top-1 probability. mce: the largest bin gap.
// NaN in a row propagates into nll, brier and ece; such a row never counts as correct.

export interface MetricsOptions {
  /** Number of classes K (rows of probabilities have K values). */
  classes: number;
  /** The k of the top-k accuracies to report (default [1]). */
  topK?: number[];
  /** Number of equal-width confidence bins for ECE (default 15). */
  bins?: number;
  /** Two-class rows [1-p, p] from a binary problem: brier is reported as mean (p - y)². */
  binary?: boolean;
}

export interface UpdateOptions {
  /** Log-probabilities of the same rows (for an exact NLL from logits). */
  logProbs?: ArrayLike<number>;
  /** The loss of each row (per-class mean loss in the result). */
  losses?: ArrayLike<number>;
}

export interface CalibrationBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean confidence of the bin's samples (NaN when empty). */
  confidence: number;
  /** Fraction correct in the bin (NaN when empty). */
  accuracy: number;
}

export interface ClassStats {
  /** Samples whose label is this class. */
  count: number;
  /** Top-1 accuracy on those samples. */
  accuracy: number;
  /** Mean NLL on those samples. */
  nll: number;
  /** Mean loss on those samples (NaN when no losses were given). */
  loss: number;
}

export interface MetricsResult {
  /** Samples counted (labels in [0, K)). */
  count: number;
  /** Samples skipped because their label is outside [0, K) (e.g. an ignore index). */
  ignored: number;
  accuracy: number;
  /** Top-k accuracy for each requested k. */
  topK: Record<string, number>;
  nll: number;
  perplexity: number;
  brier: number;
  ece: number;
  mce: number;
  bins: CalibrationBin[];
  perClass: ClassStats[];
}

export class ClassificationMetrics {
  readonly classes: number;
  readonly topK: number[];
  readonly nbins: number;
  readonly binary: boolean;
  private n = 0;
  private ignored = 0;
  private hits: Float64Array; // per requested k
  private nllSum = 0;
  private brierSum = 0;
  private binCount: Float64Array;
  private binConf: Float64Array;
  private binCorrect: Float64Array;
  private clsCount: Float64Array;
  private clsCorrect: Float64Array;
  private clsNll: Float64Array;
  private clsLoss: Float64Array;
  private sawLosses = false;

  constructor(opts: MetricsOptions) {
    const k = opts.classes;
    if (!Number.isSafeInteger(k) || k < 1) throw new RangeError(`ClassificationMetrics: classes must be a positive integer (got ${k})`);
    this.classes = k;
    this.topK = [...new Set(opts.topK ?? [1])].sort((a, b) => a - b);
    for (const t of this.topK) {
      if (!Number.isSafeInteger(t) || t < 1) throw new RangeError(`ClassificationMetrics: topK values must be positive integers (got ${t})`);
    }
    this.nbins = opts.bins ?? 15;
    if (!Number.isSafeInteger(this.nbins) || this.nbins < 1) throw new RangeError(`ClassificationMetrics: bins must be a positive integer (got ${this.nbins})`);
    this.binary = !!opts.binary;
    if (this.binary && k !== 2) throw new RangeError('ClassificationMetrics: binary needs classes = 2');
    this.hits = new Float64Array(this.topK.length);
    this.binCount = new Float64Array(this.nbins);
    this.binConf = new Float64Array(this.nbins);
    this.binCorrect = new Float64Array(this.nbins);
    this.clsCount = new Float64Array(k);
    this.clsCorrect = new Float64Array(k);
    this.clsNll = new Float64Array(k);
    this.clsLoss = new Float64Array(k);
  }

  /** Adds rows: `probs` is rows × K probabilities, `labels` one class index per row. */
  update(probs: ArrayLike<number>, labels: ArrayLike<number>, opts: UpdateOptions = {}): this {
    const k = this.classes, rows = labels.length;
    if (probs.length !== rows * k) {
      throw new RangeError(`ClassificationMetrics.update: probs.length (${probs.length}) must be labels.length × classes (${rows} × ${k})`);
    }
    const lp = opts.logProbs, losses = opts.losses;
    if (lp && lp.length !== probs.length) throw new RangeError('ClassificationMetrics.update: logProbs must have the length of probs');
    if (losses && losses.length !== rows) throw new RangeError('ClassificationMetrics.update: losses must have one value per row');
    if (losses) this.sawLosses = true;
    const M = this.nbins;
    for (let r = 0; r < rows; r++) {
      const y = labels[r];
      if (!(y >= 0 && y < k) || !Number.isInteger(y)) {
        this.ignored++;
        continue;
      }
      const o = r * k, py = probs[o + y];
      // rank of the label (ties towards the lower index); the top-1 probability
      let rank = 0, conf = -Infinity, brier = 0;
      for (let c = 0; c < k; c++) {
        const p = probs[o + c];
        if (p > py || (p === py && c < y)) rank++;
        if (p > conf || p !== p) conf = conf !== conf ? conf : p; // NaN sticks
        const d = p - (c === y ? 1 : 0);
        brier += d * d;
      }
      const valid = py === py; // a NaN probability never counts as correct
      if (!valid) rank = k;
      for (let j = 0; j < this.topK.length; j++) if (rank < this.topK[j]) this.hits[j]++;
      const correct = rank === 0 ? 1 : 0;
      const nll = lp ? -lp[o + y] : -Math.log(py);
      this.n++;
      this.nllSum += nll;
      this.brierSum += this.binary ? brier / 2 : brier;
      let b = Math.ceil(conf * M) - 1;
      if (!(b >= 0)) b = 0;
      else if (b >= M) b = M - 1;
      this.binCount[b]++;
      this.binConf[b] += conf;
      this.binCorrect[b] += correct;
      this.clsCount[y]++;
      this.clsCorrect[y] += correct;
      this.clsNll[y] += nll;
      if (losses) this.clsLoss[y] += losses[r];
    }
    return this;
  }

  /** Adds another accumulator's counts (same classes, k values and bins): shards give the whole. */
  merge(other: ClassificationMetrics): this {
    if (other.classes !== this.classes || other.nbins !== this.nbins || other.topK.join() !== this.topK.join() || other.binary !== this.binary) {
      throw new RangeError('ClassificationMetrics.merge: the accumulators differ in classes, topK, bins or binary');
    }
    this.n += other.n;
    this.ignored += other.ignored;
    this.nllSum += other.nllSum;
    this.brierSum += other.brierSum;
    this.sawLosses ||= other.sawLosses;
    const add = (a: Float64Array, b: Float64Array) => a.forEach((_, i) => (a[i] += b[i]));
    add(this.hits, other.hits);
    add(this.binCount, other.binCount);
    add(this.binConf, other.binConf);
    add(this.binCorrect, other.binCorrect);
    add(this.clsCount, other.clsCount);
    add(this.clsCorrect, other.clsCorrect);
    add(this.clsNll, other.clsNll);
    add(this.clsLoss, other.clsLoss);
    return this;
  }

  result(): MetricsResult {
    const n = this.n, M = this.nbins;
    const topK: Record<string, number> = {};
    this.topK.forEach((t, j) => (topK[String(t)] = this.hits[j] / n));
    let ece = 0, mce = 0;
    const bins: CalibrationBin[] = [];
    for (let b = 0; b < M; b++) {
      const c = this.binCount[b];
      const conf = this.binConf[b] / c, acc = this.binCorrect[b] / c;
      bins.push({ lower: b / M, upper: (b + 1) / M, count: c, confidence: conf, accuracy: acc });
      if (c > 0) {
        const gap = Math.abs(this.binCorrect[b] - this.binConf[b]);
        ece += gap;
        mce = Number.isNaN(gap) ? NaN : Math.max(mce, gap / c);
      }
    }
    const nll = this.nllSum / n;
    const perClass: ClassStats[] = [];
    for (let c = 0; c < this.classes; c++) {
      const m = this.clsCount[c];
      perClass.push({
        count: m,
        accuracy: this.clsCorrect[c] / m,
        nll: this.clsNll[c] / m,
        loss: this.sawLosses ? this.clsLoss[c] / m : NaN,
      });
    }
    const top1 = this.topK.indexOf(1);
    const accuracy = top1 >= 0 ? topK['1'] : this.binCorrect.reduce((a, b) => a + b, 0) / n;
    return {
      count: n,
      ignored: this.ignored,
      accuracy,
      topK,
      nll,
      perplexity: Math.exp(nll),
      brier: this.brierSum / n,
      ece: ece / n,
      mce,
      bins,
      perClass,
    };
  }
}

/**
 * A histogram of non-negative values whose range is not known in advance: a fixed number of bins
 * of width w0·2^j starting at 0; when a value falls past the last bin the width doubles and
 * neighbouring bins merge, so the counts stay exact and two histograms always merge.
 */
export class LossHistogram {
  readonly nbins: number;
  width: number;
  counts: Float64Array;
  /** NaN or ±Infinity values, counted aside. */
  nonFinite = 0;
  /** Values below 0 (losses are not negative; counted aside). */
  negative = 0;
  min = Infinity;
  max = -Infinity;

  constructor(nbins = 40, initialWidth = 1 / 64) {
    this.nbins = nbins;
    this.width = initialWidth;
    this.counts = new Float64Array(nbins);
  }

  private grow(): void {
    const c = this.counts, m = this.nbins;
    for (let i = 0; i < m; i++) c[i] = i < m / 2 ? c[2 * i] + (2 * i + 1 < m ? c[2 * i + 1] : 0) : 0;
    this.width *= 2;
  }

  add(values: ArrayLike<number>): this {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) { this.nonFinite++; continue; }
      if (v < 0) { this.negative++; continue; }
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
      while (v >= this.width * this.nbins) this.grow();
      this.counts[Math.floor(v / this.width)]++;
    }
    return this;
  }

  merge(other: LossHistogram): this {
    if (other.nbins !== this.nbins) throw new RangeError('LossHistogram.merge: different bin counts');
    const o = new LossHistogram(other.nbins, other.width);
    o.counts.set(other.counts);
    while (this.width < o.width) this.grow();
    while (o.width < this.width) o.grow();
    this.counts.forEach((_, i) => (this.counts[i] += o.counts[i]));
    this.nonFinite += other.nonFinite;
    this.negative += other.negative;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
    return this;
  }

  /** Bins up to the last non-empty one: [{lower, upper, count}]. */
  bins(): Array<{ lower: number; upper: number; count: number }> {
    let last = this.nbins - 1;
    while (last > 0 && this.counts[last] === 0) last--;
    const out = [];
    for (let i = 0; i <= last; i++) out.push({ lower: i * this.width, upper: (i + 1) * this.width, count: this.counts[i] });
    return out;
  }
}
