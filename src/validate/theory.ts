// Exact reference values the validation cases are compared with.
import { KB_EV_PER_K } from '../model/rateModel';
import { neighbour, type Lattice } from '../model/lattice';

/** Per-direction hop rate w = ν·exp(−Ea/kBT), Hz. */
export function hopRate(nu: number, barrier: number, temperature: number): number {
  return nu * Math.exp(-barrier / (KB_EV_PER_K * temperature));
}

/**
 * D of a 1D periodic chain (one period of site energies E_i and saddle
 * energies S_i,i+1, rates k(i→i±1) = ν·exp(−(S − E_i)/kT)):
 * D = a²ν / (⟨e^{−E/kT}⟩·⟨e^{S/kT}⟩), in Å²/s for a in Å.
 */
export function chainDiffusivity(siteEnergies: readonly number[], saddles: readonly number[], nu: number, spacing: number, temperature: number): number {
  const kT = KB_EV_PER_K * temperature;
  const avg = (xs: readonly number[], f: (x: number) => number) => xs.reduce((s, x) => s + f(x), 0) / xs.length;
  return (spacing * spacing * nu) / (avg(siteEnergies, (e) => Math.exp(-e / kT)) * avg(saddles, (s) => Math.exp(s / kT)));
}

/** Tracer correlation factor of the square lattice at full filling (vacancy mechanism, infinite lattice). */
export const SQUARE_CORRELATION_FACTOR = 1 / (Math.PI - 1);

/**
 * Exact tracer correlation factor for a single vacancy on an L×L periodic
 * square lattice: f = (1 + ⟨cos θ⟩)/(1 − ⟨cos θ⟩), where ⟨cos θ⟩ is the mean
 * cosine between successive tracer jumps. After a tracer jump along +x the
 * vacancy sits just behind it; g(v) = E[cos θ | vacancy at v] is harmonic for
 * the vacancy's random walk on the torus with the tracer's site absorbing:
 * g(v) = ¼ Σ_neighbours u, u = g(u) or, when u is the tracer, the cosine
 * of the jump the tracer then makes (towards v). Solved by SOR.
 */
export function torusCorrelationFactor(L: number): number {
  const n = L * L;
  const g = new Float64Array(n);
  const idx = (x: number, y: number) => ((x + L) % L) + L * ((y + L) % L);
  const omega = 2 / (1 + Math.sin(Math.PI / L));
  for (let sweep = 0; sweep < 200000; sweep++) {
    let change = 0;
    for (let y = 0; y < L; y++)
      for (let x = 0; x < L; x++) {
        const i = idx(x, y);
        if (i === 0) continue;
        let s = 0;
        const nb: [number, number][] = [[x + 1, y], [x - 1, y], [x, y + 1], [x, y - 1]];
        for (const [u, w] of nb) {
          const j = idx(u, w);
          // Stepping onto the tracer moves the tracer to v: cos of (v − origin) with +x.
          s += j === 0 ? signedOffset(x, L) : g[j];
        }
        const next = g[i] + omega * (s / 4 - g[i]);
        change = Math.max(change, Math.abs(next - g[i]));
        g[i] = next;
      }
    if (change < 1e-15) break;
  }
  // Only neighbours of the origin step onto it, so signedOffset is ±1 (x-neighbours) or 0 (y-neighbours).
  const cos = g[idx(-1, 0)];
  return (1 + cos) / (1 - cos);
}

function signedOffset(x: number, L: number): number {
  if (x === 1) return 1;
  if (x === L - 1) return -1;
  return 0;
}

/** Fermi–Dirac occupancies of site groups (counts, energies) holding `ions` in total; μ by bisection. */
export function fermiDiracOccupancy(sites: readonly number[], energies: readonly number[], ions: number, temperature: number): { occupancy: number[]; mu: number } {
  const kT = KB_EV_PER_K * temperature;
  const filled = (mu: number) => sites.reduce((s, m, k) => s + m / (1 + Math.exp((energies[k] - mu) / kT)), 0);
  let lo = Math.min(...energies) - 50 * kT - 10;
  let hi = Math.max(...energies) + 50 * kT + 10;
  for (let it = 0; it < 200; it++) {
    const mid = (lo + hi) / 2;
    if (filled(mid) < ions) lo = mid;
    else hi = mid;
  }
  const mu = (lo + hi) / 2;
  return { occupancy: energies.map((e) => 1 / (1 + Math.exp((e - mu) / kT))), mu };
}

/**
 * Exact canonical occupancies of two site groups (mA sites at energy eA, mB at
 * eB) holding exactly `ions` ions, one per site: P(k in A) ∝ C(mA,k)·C(mB,N−k)·e^{−(k·eA+(N−k)·eB)/kT}.
 * Differs from Fermi–Dirac by O(1/sites): used as the systematic bound.
 */
export function canonicalTwoLevelOccupancy(mA: number, eA: number, mB: number, eB: number, ions: number, temperature: number): [number, number] {
  const kT = KB_EV_PER_K * temperature;
  const logFact = new Float64Array(Math.max(mA, mB) + 2);
  for (let k = 1; k < logFact.length; k++) logFact[k] = logFact[k - 1] + Math.log(k);
  const logChoose = (m: number, k: number) => logFact[m] - logFact[k] - logFact[m - k];
  const kMin = Math.max(0, ions - mB);
  const kMax = Math.min(mA, ions);
  const logW: number[] = [];
  for (let k = kMin; k <= kMax; k++) logW.push(logChoose(mA, k) + logChoose(mB, ions - k) - (k * eA + (ions - k) * eB) / kT);
  const top = Math.max(...logW);
  let z = 0;
  let kMean = 0;
  logW.forEach((lw, j) => {
    const w = Math.exp(lw - top);
    z += w;
    kMean += w * (kMin + j);
  });
  kMean /= z;
  return [kMean / mA, (ions - kMean) / mB];
}

/** Tracer correlation factors of one vacancy at full filling on infinite lattices (vacancy mechanism). */
export const TRIANGULAR_CORRELATION_FACTOR = 0.56006;
export const HONEYCOMB_CORRELATION_FACTOR = 1 / 3;

/**
 * Exact tracer correlation factor for a single vacancy on a finite periodic
 * lattice of any type (lattice.ts), by the argument of torusCorrelationFactor:
 * f = (1 + ⟨cos θ⟩)/(1 − ⟨cos θ⟩), valid where the mean next jump is parallel
 * to the last one (inversion or mirror symmetry about the jump: square,
 * triangular, honeycomb). The tracer sits on site O having just arrived along
 * slot e, the vacancy on the site it left; g(v) = E[cos θ | vacancy at v] is
 * harmonic for the vacancy's walk (each neighbour with equal chance) with O
 * absorbing: stepping onto O moves the tracer to v, a jump whose cosine with e
 * is known. Solved by SOR; the lattice must be periodic on every axis.
 */
export function periodicCorrelationFactor(lattice: Lattice): number {
  if (!lattice.periodic.slice(0, lattice.dim).every(Boolean)) throw new Error('periodicCorrelationFactor needs a periodic lattice');
  const n = lattice.nSites;
  const Z = lattice.directions;
  const origin = 0;
  // The tracer came to O from a neighbour P along slot e (the opposite of a slot from O to P).
  let back = 0;
  while (neighbour(lattice, origin, back) < 0) back++;
  const arrivedFrom = neighbour(lattice, origin, back);
  const e = lattice.opposite[back];
  const ev = lattice.directionVectors[e];
  const cosWith = (d: number) => {
    const v = lattice.directionVectors[d];
    return (v[0] * ev[0] + v[1] * ev[1] + v[2] * ev[2]) / (Math.hypot(v[0], v[1], v[2]) * Math.hypot(ev[0], ev[1], ev[2]));
  };
  // Neighbour lists once; a step onto the origin contributes the cosine of the tracer's jump O → v.
  const neighbours = new Int32Array(n * Z).fill(-1);
  const absorbed = new Float64Array(n);
  const degree = new Int32Array(n);
  for (let v = 0; v < n; v++)
    for (let d = 0; d < Z; d++) {
      const u = neighbour(lattice, v, d);
      if (u < 0) continue;
      degree[v]++;
      if (u === origin) absorbed[v] += cosWith(lattice.opposite[d]);
      else neighbours[v * Z + d] = u;
    }
  const g = new Float64Array(n);
  const L = Math.max(...lattice.cells.slice(0, lattice.dim));
  const omega = 2 / (1 + Math.sin(Math.PI / (lattice.basis * L)));
  for (let sweep = 0; sweep < 200000; sweep++) {
    let change = 0;
    for (let v = 0; v < n; v++) {
      if (v === origin) continue;
      let s = absorbed[v];
      for (let d = 0; d < Z; d++) {
        const u = neighbours[v * Z + d];
        if (u >= 0) s += g[u];
      }
      const next = g[v] + omega * (s / degree[v] - g[v]);
      change = Math.max(change, Math.abs(next - g[v]));
      g[v] = next;
    }
    if (change < 1e-15) break;
  }
  const cos = g[arrivedFrom];
  return (1 + cos) / (1 - cos);
}
