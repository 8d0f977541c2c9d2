// Exchange with the electrolyte at the reservoir faces (src/model/reservoir.ts):
// per face and species the insertions, removals, net flux ± SE, the exchange
// rate, the cumulative charge Q(t), and the stored charge (ΔN per species,
// charge fraction, per formula unit, mass per charge). Each replica records
// cumulative counters at every sample and checks conservation there:
// N_s(t) − N_s(0) = Σ_faces (insertions − removals) of s, exactly, or the run fails.
// Steady state is judged by batch means of the net flux, not assumed.
import type { RateModel } from '../model/rateModel';
import type { IonState, ReservoirCounts } from '../engine/engine';
import { fitWindow, meanWithError, type Estimate } from './stats';
import type { Scene } from '../model/scene/schema';
import { chemicalDiffusivity, gittAnalysis, steadyFluxDiffusivities, type ChemicalDiffusivity, type GittAnalysis, type SteadyFluxDiffusivity } from './apparentDiffusivity';

/** One replica's exchange record, per sample k (index 0 = start). */
export interface ReplicaExchange {
  times: Float64Array;
  /** Cumulative insertions of species s at face f, at [f·S + s][k]. */
  insertions: Float64Array[];
  /** Cumulative removals, same layout. */
  removals: Float64Array[];
  /** Ions of species s present, at [s][k]. */
  population: Float64Array[];
  /** Dissociations − recombinations of water so far, per sample (zeros without a reaction). */
  waterNet: Float64Array;
  /** Ions left in reservoir f's electrolyte of species s at [f·S + s][k] (−1: unlimited); absent from engines that do not report it. */
  inventoryLeft?: Float64Array[];
  /** Ions of species s on the sites of face f, at [f·S + s][k] (the open-circuit potential and the face concentrations). */
  faceOccupancy: Float64Array[];
  /** Current-source arrivals that found the face full (galvanostatic pulse), per replica; absent without a source. */
  sourceBlocked?: number;
}

export class ConservationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConservationError';
  }
}

export class ExchangeRecorder {
  private readonly times: number[] = [];
  private readonly insertions: number[][];
  private readonly removals: number[][];
  private readonly population: number[][];
  private readonly waterNet: number[] = [];
  private readonly inventoryLeft: number[][];
  private inventoryReported = true;
  private readonly faceOccupancy: number[][];
  private readonly S: number;
  private readonly F: number;

  constructor(private readonly model: RateModel) {
    const res = model.channels.reservoir;
    if (!res) throw new Error('ExchangeRecorder needs a model with reservoir faces');
    this.S = model.nSpecies;
    this.F = res.faceNames.length;
    this.insertions = Array.from({ length: this.F * this.S }, () => []);
    this.removals = Array.from({ length: this.F * this.S }, () => []);
    this.population = Array.from({ length: this.S }, () => []);
    this.inventoryLeft = Array.from({ length: this.F * this.S }, () => []);
    this.faceOccupancy = Array.from({ length: this.F * this.S }, () => []);
  }

  /**
   * Records sample k at `time`; throws ConservationError when N_s(t) − N_s(0) ≠ (insertions − removals)
   * + (dissociations − recombinations) for the hydroxide and proton of a water-dissociation reaction.
   */
  record(k: number, time: number, counts: ReservoirCounts, ions: IonState): void {
    if (k !== this.times.length) throw new Error(`exchange samples must be recorded in order (expected ${this.times.length}, got ${k})`);
    const { S, F } = this;
    const present = new Array<number>(S).fill(0);
    const onFace = new Array<number>(F * S).fill(0);
    const siteFace = this.model.channels.reservoir!.siteFace;
    for (let i = 0; i < ions.species.length; i++) {
      if (ions.alive && !ions.alive[i]) continue;
      present[ions.species[i]]++;
      const f = siteFace[ions.site[i]];
      if (f !== 0) onFace[(f - 1) * S + ions.species[i]]++;
    }
    if (ions.untracked) {
      for (let u = 0; u < ions.untracked.species.length; u++) {
        const s = ions.untracked.species[u];
        present[s]++;
        const f = siteFace[ions.untracked.site[u]];
        if (f !== 0) onFace[(f - 1) * S + s]++;
      }
    }
    for (let j = 0; j < F * S; j++) this.faceOccupancy[j].push(onFace[j]);
    const rx = this.model.waterDissociation;
    if (rx && (counts.dissociations === undefined || counts.recombinations === undefined)) throw new Error('a scene with water dissociation needs the reaction counts with the exchange counts');
    const water = rx ? counts.dissociations! - counts.recombinations! : 0;
    this.waterNet.push(water);
    if (counts.inventoryLeft === undefined) this.inventoryReported = false;
    else for (let j = 0; j < F * S; j++) this.inventoryLeft[j].push(counts.inventoryLeft[j]);
    const fromWater = this.waterNet[this.waterNet.length - 1] - this.waterNet[0];
    for (let s = 0; s < S; s++) {
      let net = 0;
      for (let f = 0; f < F; f++) {
        this.insertions[f * S + s].push(counts.insertions[f * S + s]);
        this.removals[f * S + s].push(counts.removals[f * S + s]);
        net += counts.insertions[f * S + s] - counts.removals[f * S + s];
      }
      this.population[s].push(present[s]);
      // The counters start with the engine, so at k = 0 the net count is the zero point.
      const net0 = this.netAt(s, 0);
      const change = present[s] - this.population[s][0];
      const water = rx && (s === rx.hydroxide || s === rx.proton) ? fromWater : 0;
      if (change !== net - net0 + water) {
        throw new ConservationError(
          `conservation broken for ${this.model.speciesNames[s]} at t = ${time} s: the population changed by ${change} but the faces counted ${net - net0} (insertions − removals)` +
            (rx ? ` and water ${water} (dissociations − recombinations)` : ''),
        );
      }
    }
    this.times.push(time);
  }

  private netAt(s: number, k: number): number {
    let net = 0;
    for (let f = 0; f < this.F; f++) net += this.insertions[f * this.S + s][k] - this.removals[f * this.S + s][k];
    return net;
  }

  finish(): ReplicaExchange {
    return {
      times: Float64Array.from(this.times),
      insertions: this.insertions.map((v) => Float64Array.from(v)),
      removals: this.removals.map((v) => Float64Array.from(v)),
      population: this.population.map((v) => Float64Array.from(v)),
      waterNet: Float64Array.from(this.waterNet),
      ...(this.inventoryReported ? { inventoryLeft: this.inventoryLeft.map((v) => Float64Array.from(v)) } : {}),
      faceOccupancy: this.faceOccupancy.map((v) => Float64Array.from(v)),
    };
  }
}

export interface FaceSpeciesExchange {
  face: string;
  species: string;
  /** Over the whole run, per replica. */
  insertions: Estimate;
  removals: Estimate;
  /** Net insertion flux over the steady-state window (fitFrom to the end), ions/s, and per face site (1/s). */
  netFluxPerS: Estimate;
  netFluxPerSitePerS: Estimate;
  /** One-way exchange rate per face site, (insertions + removals)/(2·t·sites), 1/s: the exchange rate when the net flux vanishes. */
  exchangeRatePerSitePerS: Estimate;
  /** Batch means of the net flux over the window (replicas pooled): the verdict and how it was reached. */
  steadyState: SteadyStateVerdict;
}

export interface SteadyStateVerdict {
  reached: boolean | null;
  /** Net flux (ions/s) of the first and second half of the batches, and the difference's SE. */
  firstHalfPerS: number;
  secondHalfPerS: number;
  differenceSePerS: number;
  /** Slope of the batch fluxes against batch index over its SE: the statistic the verdict tests (t, 6 degrees of freedom). */
  trendT: number;
  statement: string;
}

export interface StoredCharge {
  species: string;
  /** Ions gained since the start, per replica. */
  deltaN: Estimate;
  /** z_s·ΔN_s / Σ_t z_t·ΔN_t (of the replica means); NaN when no net charge was stored. */
  chargeFraction: number;
  /** z_s·ΔN_s, the charge this species moved into the host (e per replica). */
  chargeE: Estimate;
  /**
   * Whether chargeFraction is a share of the stored charge: every species' z·ΔN has the sign of the
   * total (or is 0). False when some species moved charge against the net (fractions outside 0–1).
   */
  fractionIsShare: boolean;
  /** ΔN_s per formula unit (sitesPerFormulaUnit/sites · ΔN), or null when the scene gives no sitesPerFormulaUnit. */
  perFormulaUnit: Estimate | null;
}

export interface ExchangeObservables {
  faces: { name: string; sites: number }[];
  perFaceSpecies: FaceSpeciesExchange[];
  /** Cumulative charge that entered through all faces, Σ z_s·(insertions − removals), in e, per sample. */
  chargeE: { mean: number[]; se: number[] };
  stored: StoredCharge[];
  /** Stored mass per stored charge, Σ ΔN_s·M_s / Σ z_s·ΔN_s, g/mol per e (EQCM's Δm/Δq·F); null without molar masses of every entering species. */
  massPerChargeGPerMolE: number | null;
  /** Per step of a potential protocol (scene.protocol), else null. */
  protocol: ProtocolSteps | null;
  /** Apparent D from the steady flux between two opposite faces (apparentDiffusivity.ts); empty without such a pair. */
  steadyFluxD: SteadyFluxDiffusivity[];
  /** The GITT-like pulse: open-circuit potential, per-cycle Weppner–Huggins D; null without protocol.pulse. */
  gitt: GittAnalysis | null;
  /** The exact chemical D of each species that crosses a face, where known (apparentDiffusivity.ts). */
  chemicalD: ChemicalDiffusivity[];
  /** How the error bars and the steady-state verdict were obtained. */
  method: string;
}

/** The isotherm a staircase traces: occupancy and charge at the end of every step, and dQ/dU between steps. */
export interface ProtocolSteps {
  potentialsV: number[];
  /** Time at the end of each step, s. */
  stepEndS: number[];
  /** Charge that entered by the end of each step, e per replica. */
  chargeE: Estimate[];
  /** Fraction of all sites holding species s at the end of each step: theta[s][step]. */
  theta: { species: string; values: Estimate[] }[];
  /** (Q_k − Q_{k−1})/(U_k − U_{k−1}) for k ≥ 1, e/V per replica (NaN where two potentials are equal); one entry fewer than the steps. */
  dQdU: Estimate[];
}

/** Batches of the window for the steady-state test. */
const STEADY_BATCHES = 8;
/**
 * The verdict fits a line to the 8 batch fluxes and calls the flux steady when the slope is within
 * this many of its SE: the two-sided 95 % quantile of Student's t with 8 − 2 = 6 degrees of freedom
 * (the residual scatter estimates the SE), so a steady flux is rejected 5 % of the time. The
 * earlier first-half-against-second-half test at 2 SE rejected 9.2 % of steady runs (its SE has the
 * same 6 degrees of freedom, the normal quantile does not), and at the right quantile it missed
 * trends the slope catches: a line uses every batch, not two averages.
 */
export const STEADY_T = 2.4469;

export function exchangeObservables(model: RateModel, replicas: readonly ReplicaExchange[], fitFrom: number, scene: Scene | null = null): ExchangeObservables {
  const protocolPotentials = scene?.protocol?.potentials ?? null;
  const res = model.channels.reservoir!;
  const S = model.nSpecies;
  const F = res.faceNames.length;
  const K = Math.min(...replicas.map((r) => r.times.length));
  const meanTimes = Array.from({ length: K }, (_, k) => replicas.reduce((a, r) => a + r.times[k], 0) / replicas.length);
  const window = fitWindow(meanTimes, fitFrom);
  const k0 = window[0];
  const k1 = window[window.length - 1];
  const perFaceSpecies: FaceSpeciesExchange[] = [];
  for (let f = 0; f < F; f++)
    for (let s = 0; s < S; s++) {
      if (Number.isNaN(res.barrier[f * S + s])) continue;
      const j = f * S + s;
      const sites = res.faceSites[f];
      const net = (r: ReplicaExchange, k: number) => r.insertions[j][k] - r.removals[j][k];
      const flux = replicas.map((r) => (net(r, k1) - net(r, k0)) / (r.times[k1] - r.times[k0]));
      const last = (r: ReplicaExchange) => r.times.length - 1;
      perFaceSpecies.push({
        face: res.faceNames[f],
        species: model.speciesNames[s],
        insertions: meanWithError(replicas.map((r) => r.insertions[j][last(r)] - r.insertions[j][0])),
        removals: meanWithError(replicas.map((r) => r.removals[j][last(r)] - r.removals[j][0])),
        netFluxPerS: meanWithError(flux),
        netFluxPerSitePerS: meanWithError(flux.map((v) => v / sites)),
        exchangeRatePerSitePerS: meanWithError(
          replicas.map((r) => (r.insertions[j][k1] - r.insertions[j][k0] + r.removals[j][k1] - r.removals[j][k0]) / (2 * sites * (r.times[k1] - r.times[k0]))),
        ),
        steadyState: steadyVerdict(replicas, net, window),
      });
    }
  const chargeAt = (r: ReplicaExchange, k: number) => {
    let q = 0;
    for (let f = 0; f < F; f++) for (let s = 0; s < S; s++) q += model.charge[s] * (r.insertions[f * S + s][k] - r.removals[f * S + s][k] - r.insertions[f * S + s][0] + r.removals[f * S + s][0]);
    return q;
  };
  const chargeE = { mean: [] as number[], se: [] as number[] };
  for (let k = 0; k < K; k++) {
    const e = meanWithError(replicas.map((r) => chargeAt(r, k)));
    chargeE.mean.push(e.value);
    chargeE.se.push(e.se);
  }
  const deltaN = Array.from({ length: S }, (_, s) => meanWithError(replicas.map((r) => r.population[s][r.population[s].length - 1] - r.population[s][0])));
  let totalCharge = 0;
  for (let s = 0; s < S; s++) totalCharge += model.charge[s] * deltaN[s].value;
  const formulaUnits = res.sitesPerFormulaUnit === null ? null : model.nSites / res.sitesPerFormulaUnit;
  const isShare = totalCharge !== 0 && deltaN.every((d, s) => model.charge[s] * d.value === 0 || Math.sign(model.charge[s] * d.value) === Math.sign(totalCharge));
  const stored: StoredCharge[] = deltaN.map((d, s) => ({
    species: model.speciesNames[s],
    deltaN: d,
    chargeFraction: totalCharge !== 0 ? (model.charge[s] * d.value) / totalCharge : NaN,
    // + 0: no −0 for a species that stored nothing (z < 0).
    chargeE: { value: model.charge[s] * d.value + 0, se: Math.abs(model.charge[s]) * d.se },
    fractionIsShare: isShare,
    perFormulaUnit: formulaUnits === null ? null : { value: d.value / formulaUnits, se: d.se / formulaUnits },
  }));
  let mass = 0;
  let massKnown = true;
  for (let s = 0; s < S; s++) {
    if (deltaN[s].value === 0) continue;
    if (Number.isNaN(res.molarMass[s])) massKnown = false;
    mass += deltaN[s].value * res.molarMass[s];
  }
  return {
    faces: res.faceNames.map((name, f) => ({ name, sites: res.faceSites[f] })),
    perFaceSpecies,
    chargeE,
    stored,
    massPerChargeGPerMolE: massKnown && totalCharge !== 0 ? mass / totalCharge : null,
    protocol: protocolPotentials ? protocolSteps(model, replicas, protocolPotentials, chargeAt, meanTimes) : null,
    steadyFluxD:
      scene && !scene.protocol
        ? steadyFluxDiffusivities(model, scene, replicas, window, (f, s) => perFaceSpecies.find((p) => p.face === res.faceNames[f] && p.species === model.speciesNames[s])?.steadyState.reached ?? null)
        : [],
    gitt: scene ? gittAnalysis(model, scene, replicas, meanTimes) : null,
    chemicalD: scene ? crossingSpecies(model).map((s) => chemicalDiffusivity(model, scene, s)) : [],
    method:
      `counts, ΔN and fluxes: mean ± standard error over ${replicas.length} independent replicas; fluxes over the window ${meanTimes[k0]} to ${meanTimes[k1]} s (observe.fitFrom); ` +
      `steady state: the window cut into ${STEADY_BATCHES} batches, replicas pooled, steady when the slope of a line through the batch fluxes is within ${STEADY_T} of its standard errors (a two-sided t-test at 95 %, 6 degrees of freedom)`,
  };
}

/** Batch-means test of a trend in the net flux across the window (exported for tests). */
export function steadyVerdict(replicas: readonly ReplicaExchange[], net: (r: ReplicaExchange, k: number) => number, window: readonly number[]): SteadyStateVerdict {
  const n = window.length - 1;
  if (n < STEADY_BATCHES) {
    return { reached: null, firstHalfPerS: NaN, secondHalfPerS: NaN, differenceSePerS: NaN, trendT: NaN, statement: `not judged: ${n} sample intervals in the window, ${STEADY_BATCHES} needed (raise run.samples)` };
  }
  const batch = new Float64Array(STEADY_BATCHES);
  for (let b = 0; b < STEADY_BATCHES; b++) {
    const ka = window[Math.round((b * n) / STEADY_BATCHES)];
    const kb = window[Math.round(((b + 1) * n) / STEADY_BATCHES)];
    let count = 0;
    let time = 0;
    for (const r of replicas) {
      count += net(r, kb) - net(r, ka);
      time += r.times[kb] - r.times[ka];
    }
    batch[b] = count / time;
  }
  const half = STEADY_BATCHES / 2;
  const a = meanWithError(batch.subarray(0, half));
  const b = meanWithError(batch.subarray(half));
  const se = Math.hypot(a.se, b.se);
  // Least-squares line through the batch fluxes at x = b − (B − 1)/2.
  let mean = 0;
  for (let k = 0; k < STEADY_BATCHES; k++) mean += batch[k] / STEADY_BATCHES;
  let sxx = 0;
  let sxy = 0;
  for (let k = 0; k < STEADY_BATCHES; k++) {
    const x = k - (STEADY_BATCHES - 1) / 2;
    sxx += x * x;
    sxy += x * (batch[k] - mean);
  }
  const slope = sxy / sxx;
  let residual = 0;
  for (let k = 0; k < STEADY_BATCHES; k++) residual += (batch[k] - mean - slope * (k - (STEADY_BATCHES - 1) / 2)) ** 2;
  const slopeSe = Math.sqrt(residual / (STEADY_BATCHES - 2) / sxx);
  const trendT = slope === 0 ? 0 : slope / slopeSe;
  const reached = Math.abs(trendT) <= STEADY_T;
  const halves = `net flux ${a.value.toPrecision(3)} then ${b.value.toPrecision(3)} ions/s (halves of the window)`;
  const statement = reached
    ? `reached: ${halves}; trend across ${STEADY_BATCHES} batches t = ${trendT.toFixed(2)}, within ±${STEADY_T}`
    : `NOT reached: ${halves}; trend across ${STEADY_BATCHES} batches t = ${trendT.toFixed(2)}, beyond ±${STEADY_T}; run longer or raise observe.fitFrom`;
  return { reached, firstHalfPerS: a.value, secondHalfPerS: b.value, differenceSePerS: se, trendT, statement };
}

/** Step-end values of a protocol; step k ends at sample (k + 1)·perStep of the common grid. */
function protocolSteps(
  model: RateModel,
  replicas: readonly ReplicaExchange[],
  potentials: readonly number[],
  chargeAt: (r: ReplicaExchange, k: number) => number,
  meanTimes: number[],
): ProtocolSteps {
  const steps = potentials.length;
  const perStep = (meanTimes.length - 1) / steps;
  const ends = Array.from({ length: steps }, (_, j) => Math.min(meanTimes.length - 1, Math.round((j + 1) * perStep)));
  const dQdU: Estimate[] = [];
  for (let j = 1; j < steps; j++) {
    const dU = potentials[j] - potentials[j - 1];
    dQdU.push(dU === 0 ? { value: NaN, se: NaN } : meanWithError(replicas.map((r) => (chargeAt(r, ends[j]) - chargeAt(r, ends[j - 1])) / dU)));
  }
  return {
    potentialsV: [...potentials],
    stepEndS: ends.map((k) => meanTimes[k]),
    chargeE: ends.map((k) => meanWithError(replicas.map((r) => chargeAt(r, k)))),
    theta: model.speciesNames.map((species, s) => ({ species, values: ends.map((k) => meanWithError(replicas.map((r) => r.population[s][k] / model.nSites))) })),
    dQdU,
  };
}

/** Species that cross at least one face. */
function crossingSpecies(model: RateModel): number[] {
  const res = model.channels.reservoir!;
  const S = model.nSpecies;
  return Array.from({ length: S }, (_, s) => s).filter((s) => res.faceNames.some((_, f) => !Number.isNaN(res.barrier[f * S + s])));
}
