// Closed isolated (s, h) pairs: a surface row y = 0 (OH- only) above a host
// row y = 1 (H+ only), the rest a spacer, reflecting along y. OH- and H+ are
// frozen (their barriers give rates near 1e-239 Hz), and a surface site's only host
// neighbour is the site above it, so every column is an isolated two-state
// system: empty ⇌ OH-* + H+, with k_f and k_b from the BEP barriers. Exact:
// P(dissociated) = 1/(1 + exp(ΔE/kT)); the state's autocorrelation decays at
// k_f + k_b, which for a two-state chain is equivalent to the rate of reaction
// events per pair, 2·P·(1 − P)·(k_f + k_b) = 2·k_f·k_b/(k_f + k_b) (one
// dissociation and one recombination per cycle). With a frozen Zn2+ row above
// the host row, every pair has a Zn2+ neighbour and both rates scale by
// exp(−λ_Zn/kT): P unchanged, event rate ×exp(−λ_Zn/kT). The decay rate of
// the autocorrelation itself is fitted too: per replica, C(τ) of the
// dissociated indicator of every pair at lags of 1, 2 and 3 sample intervals
// (0.5, 1 and 1.5 relaxation times), ln C(τ) = −γ·τ fitted through the origin
// (C(0) = 1 by definition). SE over replicas.
import { createEngine } from '../../engine/factory';
import { compileRateModel, KB_EV_PER_K } from '../../model/rateModel';
import { initialOccupancy } from '../../model/initialState';
import { CHANNEL_KINDS } from '../../model/channels';
import { meanWithError } from '../../observe/stats';
import { caseScene } from '../sceneBuilder';
import { check, type ValidationCase, type ValidationCheck } from '../types';

const NU = 1e13;
const T = 300;
const A = 3;
const COLUMNS = 64;
const E_OH = -0.9;
const E_H = 0.05;
const PKW = 14;
const EA0 = 0.35;
const OMEGA = 0.5;
const LAMBDA_ZN = -0.06;
/**
 * Frozen in practice: ν·exp(−15 eV/kT) ≈ 1e-239 Hz at 300 K, never drawn in these runs and lost when added to
 * the total rate; below issue 7's bound (a rate must not underflow 1e-250 Hz, so no barrier above ≈ 15.66 eV).
 */
const FROZEN = 15;
const REPLICAS = 12;
const SAMPLES = 200;
/** Index of OH- among the default species (Zn2+, H+, OH-). */
const OH = 2;

function pairScene(zinc: boolean, seed: number, time: number) {
  return caseScene({
    name: `isolated water pairs${zinc ? ' with Zn2+' : ''}`,
    lattice: { type: 'square', size: [COLUMNS, 4], spacing: A, boundary: ['periodic', 'reflecting'] },
    temperature: T,
    attemptFrequency: NU,
    seed,
    run: { time, samples: 200, replicas: REPLICAS },
    regions: [
      { name: 'surface', slab: { axis: 'y', from: 0, to: 1 }, species: { 'OH-': { siteEnergy: E_OH, barrier: FROZEN } } },
      { name: 'host', slab: { axis: 'y', from: 1, to: 2 }, species: { 'H+': { siteEnergy: E_H, barrier: FROZEN } } },
      { name: 'zinc', slab: { axis: 'y', from: 2, to: 3 }, species: { 'Zn2+': { barrier: FROZEN } } },
      { name: 'spacer', species: {} },
    ],
    reactions: [{ kind: 'water-dissociation', surface: ['surface'], host: ['host'], barrier: EA0, bepSlope: OMEGA, pKw: PKW, catalyst: { species: 'Zn2+', barrierShift: LAMBDA_ZN } }],
    populations: zinc ? [{ species: 'Zn2+', region: 'zinc', count: COLUMNS }] : [{ species: 'Zn2+', region: 'zinc', count: 0 }],
    observe: { profileAxis: 'y', fitFrom: 0.2 },
  });
}

export const waterPairsCase: ValidationCase = {
  name: 'water-pairs',
  title: 'isolated surface–host pairs: P(OH-* + H+) = 1/(1 + e^{ΔE/kT}), reaction events at 2·k_f·k_b/(k_f + k_b), ×e^{−λ_Zn/kT} next to Zn2+',
  async run({ engine, seedOffset, tuning }) {
    const kT = KB_EV_PER_K * T;
    const dE = E_OH + E_H + kT * Math.log(10) * PKW;
    const eaF = Math.max(0, dE, EA0 + OMEGA * dE);
    const kF = NU * Math.exp(-eaF / kT);
    const kB = NU * Math.exp(-(eaF - dE) / kT);
    const p = 1 / (1 + Math.exp(dE / kT));
    const checks: ValidationCheck[] = [];
    for (const zinc of [false, true]) {
      const scale = zinc ? Math.exp(-LAMBDA_ZN / kT) : 1;
      // 100 relaxation times 1/(k_f + k_b); the first 20 (the transient from empty) are not measured.
      const time = 100 / ((kF + kB) * scale);
      const scene = pairScene(zinc, 808 + (zinc ? 1 : 0) + seedOffset, time);
      const tag = zinc ? ', Zn2+ neighbour' : '';
      // Each replica: OH- coverage of the surface sampled on a time grid after the first 20 %, and reaction events per pair and second from the engine's count per channel kind.
      const model = compileRateModel(scene);
      const coverages: number[] = [];
      const rates: number[] = [];
      const decayRates: number[] = [];
      for (let r = 0; r < REPLICAS; r++) {
        const e = await createEngine(engine, model, initialOccupancy(model, scene.seed, r), { seed: `water-pairs:${scene.seed}:${r}`, seedNumber: scene.seed + r, replica: r, tuning });
        let covered = 0;
        let samples = 0;
        let eventsAtStart = 0;
        const series: Uint8Array[] = [];
        for (let k = 1; k <= SAMPLES; k++) {
          await e.advance({ time: (k * time) / SAMPLES });
          if (k === SAMPLES / 5) eventsAtStart = (await e.eventCountsByKind())[CHANNEL_KINDS.indexOf('water-dissociation')];
          if (k <= SAMPLES / 5) continue;
          const occ = await e.occupancy();
          for (let x = 0; x < COLUMNS; x++) if (occ[x] === OH + 1) covered++;
          series.push(Uint8Array.from({ length: COLUMNS }, (_, x) => (occ[x] === OH + 1 ? 1 : 0)));
          samples++;
        }
        coverages.push(covered / (samples * COLUMNS));
        decayRates.push(autocorrelationDecayRate(series, time / SAMPLES));
        const byKind = await e.eventCountsByKind();
        rates.push((byKind[CHANNEL_KINDS.indexOf('water-dissociation')] - eventsAtStart) / (COLUMNS * 0.8 * time));
        e.dispose();
      }
      const coverage = meanWithError(coverages);
      checks.push(check(this.name, `P(dissociated)${tag}`, '', p, coverage.value, coverage.se, 0,
        `${COLUMNS} pairs, ΔE = ${dE.toFixed(4)} eV, ${SAMPLES} samples, the last 80 % averaged; SE over ${REPLICAS} replicas; exact (systematic 0)`));
      const decay = meanWithError(decayRates);
      checks.push(check(this.name, `autocorrelation decay rate${tag}`, 'Hz', (kF + kB) * scale, decay.value, decay.se, 0,
        `C(τ) of the dissociated state of each pair at τ = 1, 2, 3 sample intervals (0.5–1.5 relaxation times), ln C = −γτ fitted through the origin, per replica; SE over ${REPLICAS} replicas; theory k_f + k_b${zinc ? ' ×e^{−λ_Zn/kT}' : ''}`));
      const measured = meanWithError(rates);
      checks.push(check(this.name, `reaction events per pair${tag}`, 'Hz', (2 * kF * kB * scale) / (kF + kB), measured.value, measured.se, 0,
        `k_f = ${kF.toExponential(3)} Hz, k_b = ${kB.toExponential(3)} Hz${zinc ? `, both ×e^{−λ_Zn/kT} = ${scale.toFixed(3)}` : ''}; counted over the last 80 % of 100 relaxation times (the transient from empty, e^{−20} by then, excluded); SE over ${REPLICAS} replicas`));
    }
    return checks;
  },
};

/**
 * Decay rate γ (Hz) of the autocorrelation of 0/1 series (one per pair, samples dt apart): C(L·dt) at lags
 * L = 1..3 about the mean over all pairs and samples, normalised by the variance, then ln C(L·dt) = −γ·L·dt
 * by least squares through the origin.
 */
export function autocorrelationDecayRate(series: readonly Uint8Array[], dt: number): number {
  const K = series.length;
  const n = series[0].length;
  let sum = 0;
  for (const row of series) for (let x = 0; x < n; x++) sum += row[x];
  const mean = sum / (K * n);
  let variance = 0;
  for (const row of series) for (let x = 0; x < n; x++) variance += (row[x] - mean) ** 2;
  variance /= K * n;
  let numerator = 0;
  let denominator = 0;
  for (let lag = 1; lag <= 3; lag++) {
    let c = 0;
    for (let k = 0; k + lag < K; k++) for (let x = 0; x < n; x++) c += (series[k][x] - mean) * (series[k + lag][x] - mean);
    const correlation = c / ((K - lag) * n) / variance;
    numerator += lag * dt * Math.log(correlation);
    denominator += (lag * dt) ** 2;
  }
  return -numerator / denominator;
}
