// Cases for the proton budget: finite electrolyte inventories and water
// dissociation on an electrode open to the electrolyte.
//
// finite-inventory: M independent open sites (hops frozen) facing an
// electrolyte that holds N ions of H+ in a volume V (n° = N_A·V·1 mol/L ions
// at unit activity). Insertion runs at ν·(left/n°)·e^{−G‡/kT} per empty site,
// removal at ν·e^{−(G‡ − E)/kT}; the closed system electrode + electrolyte then
// has the canonical weight C(M, n)·e^{−nE/kT}·n°^{N−n}/(N−n)! for n inserted
// ions (docs/physics.md, "Finite inventories"). Checked: the mean and the
// variance of n, time averages over the last 80 % of the run, SE over replicas.
//
// open-water-pair: isolated (s, h) pairs (surface row above a host row, every
// hop frozen): water dissociates on each pair, the H+ leaves the host into an
// electrolyte with no H+ (a fast sink: k_H = ν·e^{−(G_H − E_H)/kT} = ν), and the
// OH- is exchanged with an electrolyte at a tiny activity. Each pair is a
// four-state chain (empty, OH, H, OH + H) with rates
//   0→3 k_f, 3→0 k_b, 3→1 k_H, 2→0 k_H, 3→2 k_OH,out, 1→0 k_OH,out,
//   0→1 k_OH,in, 2→3 k_OH,in,
// whose stationary distribution π (solved exactly by the Markov-chain tree
// theorem: sums of products of positive rates, no cancellation) gives the
// turnover per pair π_0·k_f − π_3·k_b. Checked at five *OH binding energies,
// and the slopes of ln(turnover) against E_OH on the two sides of the volcano:
// −ω/kT where dissociation limits (weak binding) and +1/kT where the removal
// of the bound OH- limits (strong binding); the systematic bound of a slope
// check is the exact chain's own distance from that asymptote.
import { createEngine } from '../../engine/factory';
import { compileRateModel, KB_EV_PER_K } from '../../model/rateModel';
import { initialOccupancy } from '../../model/initialState';
import { AVOGADRO_PER_MOL } from '../../model/reservoir';
import { runScene } from '../../run/runScene';
import { meanWithError } from '../../observe/stats';
import { caseScene } from '../sceneBuilder';
import { check, type ValidationCase, type ValidationCheck } from '../types';

const NU = 1e13;
const T = 300;
const KT = KB_EV_PER_K * T;
const A = 3;
/** ν·exp(−15 eV/kT) ≈ 1e-239 Hz: never drawn (see waterPairs.ts). */
const FROZEN = 15;

// ---- finite inventory ------------------------------------------------------

const SITES_SIDE = 8;
const INVENTORY = 40;
/** n°: 40 ions at unit activity, so the electrolyte starts at a = 1. */
const UNIT_IONS = 40;
const SITE_ENERGY = -0.05;
const DESOLVATION = 0.1;

/** Exact P(n), n = 0..min(M, N), of the closed system: C(M, n)·e^{−nE/kT}·n°^{N−n}/(N−n)!, by logarithms. */
export function finiteInventoryDistribution(sites: number, ions: number, energy: number, unitIons: number, kT: number): number[] {
  const lnFactorial = (k: number) => {
    let v = 0;
    for (let j = 2; j <= k; j++) v += Math.log(j);
    return v;
  };
  const logs: number[] = [];
  for (let n = 0; n <= Math.min(sites, ions); n++) {
    logs.push(lnFactorial(sites) - lnFactorial(n) - lnFactorial(sites - n) - (n * energy) / kT + (ions - n) * Math.log(unitIons) - lnFactorial(ions - n));
  }
  const top = Math.max(...logs);
  const w = logs.map((l) => Math.exp(l - top));
  const z = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / z);
}

export const finiteInventoryCase: ValidationCase = {
  name: 'finite-inventory',
  title: 'open sites facing a finite electrolyte (N ions in V): inserted n follows C(M,n)·e^{−nE/kT}·n°^{N−n}/(N−n)!; mean and variance',
  async run({ engine, seedOffset, tuning }) {
    const M = SITES_SIDE * SITES_SIDE;
    const p = finiteInventoryDistribution(M, INVENTORY, SITE_ENERGY, UNIT_IONS, KT);
    const mean = p.reduce((a, v, n) => a + n * v, 0);
    const variance = p.reduce((a, v, n) => a + (n - mean) ** 2 * v, 0);
    // Relaxation: removal ν·e^{−(G − E)/kT} ≈ 3e10 Hz, n relaxes at ≈ 2e11 Hz; 300 removal times.
    const kOut = NU * Math.exp(-(DESOLVATION - SITE_ENERGY) / KT);
    const time = 300 / kOut;
    // 16 replicas: with fewer the replica SE is itself too noisy (measured spread of replica means 0.13 ions at 400 times).
    const replicas = 16;
    const samples = 300;
    const scene = caseScene({
      name: 'finite inventory',
      lattice: { type: 'square', size: [SITES_SIDE, SITES_SIDE], spacing: A, boundary: ['periodic', 'periodic'] },
      temperature: T,
      attemptFrequency: NU,
      seed: 1201 + seedOffset,
      run: { time, samples, replicas },
      regions: [{ name: 'open', species: { 'H+': { siteEnergy: SITE_ENERGY, barrier: FROZEN } } }],
      populations: [{ species: 'H+', count: 0 }],
      reservoirs: [{ name: 'electrolyte', region: 'open', desolvationBarrier: { 'H+': DESOLVATION }, inventory: { 'H+': INVENTORY }, volumeL: UNIT_IONS / AVOGADRO_PER_MOL }],
    });
    const model = compileRateModel(scene);
    const means: number[] = [];
    const variances: number[] = [];
    for (let r = 0; r < replicas; r++) {
      const e = await createEngine(engine, model, initialOccupancy(model, scene.seed, r), { seed: `finite-inventory:${scene.seed}:${r}`, seedNumber: scene.seed + r, replica: r, tuning });
      const counts: number[] = [];
      for (let k = 1; k <= samples; k++) {
        await e.advance({ time: (k * time) / samples });
        if (k <= samples / 5) continue;
        counts.push((await e.occupancy()).reduce((a, o) => a + (o !== 0 ? 1 : 0), 0));
      }
      e.dispose();
      const m = counts.reduce((a, b) => a + b, 0) / counts.length;
      means.push(m);
      variances.push(counts.reduce((a, c) => a + (c - m) ** 2, 0) / (counts.length - 1));
    }
    const m = meanWithError(means);
    const v = meanWithError(variances);
    const note = `${M} sites, N = ${INVENTORY} ions, n° = ${UNIT_IONS}, E = ${SITE_ENERGY} eV; ${samples} samples over 300 removal times, the last 80 % averaged; SE over ${replicas} replicas`;
    return [
      check(this.name, 'mean inserted ions ⟨n⟩', 'ions', mean, m.value, m.se, 0, `${note}; exact (systematic 0)`),
      // A sample variance over a finite window is biased low by about Var·2τ/T_window (τ ≈ 5e-12 s, the window ≈ 8e-9 s): ≈ Var/800.
      check(this.name, 'variance of n', 'ions²', variance, v.value, v.se, variance / 800, `${note}; systematic: the finite-window bias of a sample variance`),
    ];
  },
};

// ---- open water pair (volcano) ---------------------------------------------

const COLUMNS = 64;
const EA0 = 0.5;
const OMEGA = 0.5;
const PKW = 14;
const E_H = 0.1;
/** G_H = E_H: the H+ leaves at ν (the fastest a reservoir channel can be: a sink). */
const G_H = 0.1;
const G_OH = 0.1;
const A_OH = 1e-13;

interface PairRates {
  kF: number;
  kB: number;
  kH: number;
  kOut: number;
  kIn: number;
}

function pairRates(eOH: number): PairRates {
  const dE = eOH + E_H + KT * Math.log(10) * PKW;
  const eaF = Math.max(0, dE, EA0 + OMEGA * dE);
  return {
    kF: NU * Math.exp(-eaF / KT),
    kB: NU * Math.exp(-(eaF - dE) / KT),
    kH: NU * Math.exp(-(G_H - E_H) / KT),
    kOut: NU * Math.exp(-(G_OH - eOH) / KT),
    kIn: NU * A_OH * Math.exp(-G_OH / KT),
  };
}

/**
 * Stationary distribution of a continuous-time chain on a few states by the
 * Markov-chain tree theorem: π_i ∝ Σ over spanning trees directed to i of the
 * product of their rates. Every term is positive, so rates 30 orders apart lose nothing.
 */
export function treeStationary(n: number, rates: readonly (readonly [number, number, number])[]): number[] {
  const out: [number, number][][] = Array.from({ length: n }, () => []);
  for (const [a, b, k] of rates) if (k > 0) out[a].push([b, k]);
  const weight = new Array<number>(n).fill(0);
  for (let root = 0; root < n; root++) {
    const others = [...Array(n).keys()].filter((i) => i !== root);
    const choice = new Array<number>(others.length).fill(0);
    if (others.some((i) => out[i].length === 0)) continue;
    for (;;) {
      const next = new Map<number, number>();
      let product = 1;
      others.forEach((i, k) => {
        next.set(i, out[i][choice[k]][0]);
        product *= out[i][choice[k]][1];
      });
      const reachesRoot = others.every((i) => {
        let j = i;
        for (let steps = 0; steps < n; steps++) {
          if (j === root) return true;
          j = next.get(j)!;
        }
        return j === root;
      });
      if (reachesRoot) weight[root] += product;
      let k = 0;
      while (k < others.length && ++choice[k] === out[others[k]].length) choice[k++] = 0;
      if (k === others.length) break;
    }
  }
  const z = weight.reduce((a, b) => a + b, 0);
  return weight.map((w) => w / z);
}

/** Exact turnover per pair (Hz) of the four-state chain: states 0 empty, 1 OH, 2 H, 3 OH + H. */
export function openPairTurnover(eOH: number): number {
  const k = pairRates(eOH);
  const p = treeStationary(4, [
    [0, 3, k.kF], [3, 0, k.kB], [3, 1, k.kH], [2, 0, k.kH], [3, 2, k.kOut], [1, 0, k.kOut], [0, 1, k.kIn], [2, 3, k.kIn],
  ]);
  return p[0] * k.kF - p[3] * k.kB;
}

function openPairScene(eOH: number, seed: number, time: number) {
  return caseScene({
    name: `open water pairs, E_OH = ${eOH} eV`,
    lattice: { type: 'square', size: [COLUMNS, 3], spacing: A, boundary: ['periodic', 'reflecting'] },
    temperature: T,
    attemptFrequency: NU,
    seed,
    run: { time, samples: 100, replicas: 8 },
    regions: [
      { name: 'surface', slab: { axis: 'y', from: 0, to: 1 }, species: { 'OH-': { siteEnergy: eOH, barrier: FROZEN } } },
      { name: 'host', slab: { axis: 'y', from: 1, to: 2 }, species: { 'H+': { siteEnergy: E_H, barrier: FROZEN } } },
      { name: 'spacer', species: {} },
    ],
    reactions: [{ kind: 'water-dissociation', surface: ['surface'], host: ['host'], barrier: EA0, bepSlope: OMEGA, pKw: PKW }],
    populations: [{ species: 'H+', count: 0 }],
    electrolyte: { activity: { 'OH-': A_OH, 'H+': 0 } },
    reservoirs: [
      { name: 'OH- exchange', face: 'y-', desolvationBarrier: { 'OH-': G_OH } },
      { name: 'H+ sink', region: 'host', desolvationBarrier: { 'H+': G_H } },
    ],
    observe: { fitFrom: 0.2 },
  });
}

/** *OH binding energies (eV): strong-binding side, top, weak-binding side. */
const STRONG = [-1.0, -0.9];
const WEAK = [-0.3, -0.2];
const TOP = -0.4;

export const openWaterPairCase: ValidationCase = {
  name: 'open-water-pair',
  title: 'water dissociation on open (s, h) pairs with an H+ sink and OH- exchange: turnover from the exact four-state chain; volcano slopes −ω/kT and +1/kT',
  async run({ engine, seedOffset, tuning }) {
    const checks: ValidationCheck[] = [];
    const measured = new Map<number, { value: number; se: number }>();
    const energies = [...STRONG, TOP, ...WEAK];
    for (const [k, eOH] of energies.entries()) {
      const exact = openPairTurnover(eOH);
      // 30 cycles per pair; the first 20 % (6 cycles, the transient from empty) are not measured.
      const scene = openPairScene(eOH, 1301 + k + seedOffset, 30 / exact);
      const result = await runScene(scene, { engine, tuning });
      const t = result.chemistry!.water!.turnoverWindowPerSiteHz!;
      measured.set(eOH, t);
      const r = pairRates(eOH);
      checks.push(check(this.name, `turnover per pair, E_OH = ${eOH} eV`, 'Hz', exact, t.value, t.se, 0,
        `k_f ${r.kF.toExponential(2)}, k_b ${r.kB.toExponential(2)}, H+ out ${r.kH.toExponential(2)}, OH- out ${r.kOut.toExponential(2)}, OH- in ${r.kIn.toExponential(2)} Hz; ${COLUMNS} pairs, 30 cycles, last 80 %; SE over 8 replicas; exact (systematic 0)`));
    }
    const slope = (a: number, b: number) => {
      const ta = measured.get(a)!;
      const tb = measured.get(b)!;
      return { value: (Math.log(tb.value) - Math.log(ta.value)) / (b - a), se: Math.hypot(ta.se / ta.value, tb.se / tb.value) / Math.abs(b - a) };
    };
    const exactSlope = (a: number, b: number) => (Math.log(openPairTurnover(b)) - Math.log(openPairTurnover(a))) / (b - a);
    for (const [side, [a, b], asymptote] of [['weak binding (dissociation-limited)', WEAK, -OMEGA / KT], ['strong binding (OH- removal-limited)', STRONG, 1 / KT]] as const) {
      const s = slope(a, b);
      checks.push(check(this.name, `d ln(turnover)/dE_OH, ${side}`, '1/eV', asymptote, s.value, s.se, Math.abs(exactSlope(a, b) - asymptote),
        `between E_OH = ${a} and ${b} eV; asymptote ${side.startsWith('weak') ? '−ω/kT' : '+1/kT'}; systematic: the exact chain's slope there minus the asymptote; SE propagated from the two turnovers`));
    }
    return checks;
  },
};
