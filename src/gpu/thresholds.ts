// Turns probabilities (float64, computed on the CPU) into the 64-bit integer
// thresholds the kernels compare random words with. A probability p becomes
// t = round-down(p·2^64) stored as (hi, lo) u32 words; a random 64-bit word r
// accepts when r < t, i.e. with probability t/2^64.
//
// Quantisation (docs/gpu.md): probabilities below 2^-64 ≈ 5.4e-20 become 0,
// others are represented to ~2^-53 relative (float64 mantissa); p = 1 is
// stored as 2^64 − 1, so "always" fails with probability 2^-64.

const TWO32 = 4294967296;

/** Writes the threshold of probability p at out[2k], out[2k+1] (hi, lo). */
export function writeThreshold(out: Uint32Array, k: number, p: number): void {
  if (!(p > 0)) {
    out[2 * k] = 0;
    out[2 * k + 1] = 0;
    return;
  }
  if (p >= 1) {
    out[2 * k] = 0xffffffff;
    out[2 * k + 1] = 0xffffffff;
    return;
  }
  const scaled = p * TWO32; // exact: scaling by a power of two
  const hi = Math.floor(scaled);
  const lo = Math.floor((scaled - hi) * TWO32); // subtraction exact (Sterbenz)
  out[2 * k] = hi >>> 0;
  out[2 * k + 1] = Math.min(lo, 0xffffffff) >>> 0;
}

/** The probability a threshold stands for (for tests and docs). */
export function thresholdProbability(hi: number, lo: number): number {
  return (hi * TWO32 + lo) / (TWO32 * TWO32);
}

/** Upper-tail mass of the Poisson distribution left out of a tick table. */
export const POISSON_TAIL = 1e-13;

/**
 * Cumulative Poisson(λ) table as 64-bit thresholds: entry n holds P(N ≤ n)
 * for n = 0 … L−1, where L is the first n with P(N > n) < POISSON_TAIL. A
 * kernel draws N as the smallest n with r < cdf[n], or L when r is above all
 * entries (the truncated tail, mass < 1e-13, is lumped into N = L).
 * Computed from the mode outwards in float64 so that λ up to ~1e5 is safe.
 */
export function poissonTable(lambda: number): Uint32Array {
  if (!(lambda >= 0) || !Number.isFinite(lambda) || lambda > 1e5) {
    throw new RangeError(`Poisson mean must lie in [0, 1e5] ticks (got ${lambda})`);
  }
  if (lambda === 0) return new Uint32Array(0); // every draw gives N = 0 = L
  const mode = Math.floor(lambda);
  // Unnormalised pmf relative to the mode, down to 1e-30 of the peak on each side.
  const up: number[] = [1];
  for (let n = mode + 1, p = 1; ; n++) {
    p *= lambda / n;
    up.push(p);
    if (p < 1e-30) break;
  }
  const down: number[] = [];
  for (let n = mode, p = 1; n > 0; n--) {
    p *= n / lambda;
    if (p < 1e-300) break;
    down.push(p);
  }
  const first = mode - down.length;
  const pmf = new Float64Array(down.length + up.length);
  for (let k = 0; k < down.length; k++) pmf[down.length - 1 - k] = down[k];
  for (let k = 0; k < up.length; k++) pmf[down.length + k] = up[k];
  let total = 0;
  for (let k = pmf.length - 1; k >= 0; k--) total += pmf[k]; // small terms first
  // Lower sums from the bottom and upper tails from the top: each side is
  // summed small terms first and 1 − x cancellation is never needed below 1/2.
  const head = new Float64Array(pmf.length);
  for (let k = 0, acc = 0; k < pmf.length; k++) head[k] = acc += pmf[k] / total;
  const tail = new Float64Array(pmf.length + 1);
  for (let k = pmf.length - 1; k >= 0; k--) tail[k] = tail[k + 1] + pmf[k] / total;
  let length = first;
  while (length - first < pmf.length && tail[length - first + 1] >= POISSON_TAIL) length++;
  length++; // entries 0 … length−1; P(N > length−1) < POISSON_TAIL
  const out = new Uint32Array(2 * length);
  for (let n = 0; n < length; n++) {
    const k = n - first;
    const cdf = k < 0 ? 0 : head[k] < 0.5 ? head[k] : 1 - tail[k + 1];
    writeThreshold(out, n, cdf);
  }
  return out;
}

/** The tick count a 64-bit draw (hi, lo) selects from a table (reference for the twins). */
export function poissonDraw(table: Uint32Array, offset: number, length: number, hi: number, lo: number): number {
  let a = 0;
  let b = length;
  while (a < b) {
    const mid = (a + b) >>> 1;
    const t = 2 * (offset + mid);
    if (hi < table[t] || (hi === table[t] && lo < table[t + 1])) b = mid;
    else a = mid + 1;
  }
  return a;
}
