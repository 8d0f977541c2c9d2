// Integer tables the kernels decide with: thresholds, the Poisson tick table,
// the RNG mirror. Pure TypeScript (no GPU).
import { describe, expect, it } from 'vitest';
import { POISSON_TAIL, poissonDraw, poissonTable, thresholdProbability, writeThreshold } from '../../src/gpu/thresholds';
import { pcg4d, below64 } from '../../src/gpu/rng';
import { scheduledMove } from '../../src/engine/gpu/gpuLatticeEngine';

/** Poisson pmf by the recursion p_n = p_{n−1}·λ/n (exact enough for λ ≤ 700). */
function poissonPmfs(lambda: number, count: number): number[] {
  const p = [Math.exp(-lambda)];
  for (let n = 1; n < count; n++) p.push((p[n - 1] * lambda) / n);
  return p;
}

describe('64-bit thresholds', () => {
  it('represent probabilities to float64 precision and clamp at 0 and 1', () => {
    const t = new Uint32Array(2);
    for (const p of [0.5, 0.1, 1e-9, 3.3e-15, 0.999999999]) {
      writeThreshold(t, 0, p);
      expect(Math.abs(thresholdProbability(t[0], t[1]) - p)).toBeLessThanOrEqual(p * 2 ** -52 + 2 ** -64);
    }
    writeThreshold(t, 0, 1e-20); // below 2^-64: rounds to 0 (docs/gpu.md)
    expect([t[0], t[1]]).toEqual([0, 0]);
    writeThreshold(t, 0, 1);
    expect([t[0], t[1]]).toEqual([0xffffffff, 0xffffffff]);
    expect(below64(0, 0, 0, 0)).toBe(false);
    expect(below64(5, 0xffffffff, 6, 0)).toBe(true);
  });
});

describe('Poisson tick table', () => {
  for (const lambda of [0.3, 7.5, 64, 500]) {
    it(`λ = ${lambda}: cumulative entries match the pmf and the tail is cut below ${POISSON_TAIL}`, () => {
      const table = poissonTable(lambda);
      const L = table.length / 2;
      const pmf = poissonPmfs(lambda, L);
      let cdf = 0;
      for (let n = 0; n < L; n++) {
        cdf += pmf[n];
        expect(Math.abs(thresholdProbability(table[2 * n], table[2 * n + 1]) - cdf)).toBeLessThan(1e-12);
      }
      expect(1 - cdf).toBeLessThan(POISSON_TAIL + 1e-12 * (lambda / 100));
      // Draws map a uniform 64-bit word to the right count at the boundaries:
      // r = 0 gives the first n whose P(N ≤ n) is at least 2^-64.
      let firstNonZero = 0;
      while (table[2 * firstNonZero] === 0 && table[2 * firstNonZero + 1] === 0) firstNonZero++;
      expect(poissonDraw(table, 0, L, 0, 0)).toBe(firstNonZero);
      expect(poissonDraw(table, 0, L, 0xffffffff, 0xffffffff)).toBe(L);
    });
  }

  it('sample mean and variance of draws agree with λ', () => {
    const lambda = 12.5;
    const table = poissonTable(lambda);
    let s = 0;
    let s2 = 0;
    const n = 100_000;
    for (let k = 0; k < n; k++) {
      const h = pcg4d(k, 99, 1, 0);
      const x = poissonDraw(table, 0, table.length / 2, h[0], h[1]);
      s += x;
      s2 += x * x;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    expect(Math.abs(mean - lambda)).toBeLessThan(4 * Math.sqrt(lambda / n));
    expect(Math.abs(variance - lambda)).toBeLessThan(4 * lambda * Math.sqrt(2 / n));
  });
});

describe('pcg4d', () => {
  it('matches a known answer (guards the WGSL mirror against silent edits)', () => {
    expect(Array.from(pcg4d(0, 0, 0, 0))).toEqual(Array.from(pcg4d(0, 0, 0, 0)));
    const w = Array.from(pcg4d(1, 2, 3, 4));
    expect(w.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32)).toBe(true);
    expect(w).toMatchInlineSnapshot(`
      [
        908250390,
        4044648920,
        3775961919,
        45698095,
      ]
    `);
  });

  it('top bits are uniform enough for slot and schedule choices (χ² over 16 bins)', () => {
    const bins = new Array(16).fill(0);
    const n = 160_000;
    for (let k = 0; k < n; k++) bins[pcg4d(k, 7, 3, 1)[0] >>> 28]++;
    const chi2 = bins.reduce((a, b) => a + (b - n / 16) ** 2 / (n / 16), 0);
    expect(chi2).toBeLessThan(37.7); // p = 0.001 for 15 degrees of freedom
    const moves = new Array(8).fill(0);
    for (let k = 0; k < 80_000; k++) {
      const m = scheduledMove(12345, k, 4, 2);
      moves[2 * m.direction + m.colour]++;
    }
    const chi2m = moves.reduce((a, b) => a + (b - 10_000) ** 2 / 10_000, 0);
    expect(chi2m).toBeLessThan(24.3); // p = 0.001 for 7 degrees of freedom
  });
});
