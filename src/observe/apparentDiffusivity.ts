// What an experiment would call "the diffusion coefficient" of an open
// electrode, computed from the simulated exchange, beside the true ones:
//
// - steady flux through a slab (two faces of one axis at different
//   activities): D_app = J·Δx/Δc (Fick's first law), once with the face-layer
//   concentrations the run measures (the bulk alone) and once with the
//   concentrations in equilibrium with the two electrolytes (what a permeation
//   experiment knows; the desolvation resistance of both interfaces included);
// - a GITT-like galvanostatic pulse (protocol.pulse.current): the
//   Weppner–Huggins short-time estimate D_WH = (4/(π·τ))·ℓ²·(ΔE_s/ΔE_τ)² on the
//   simulated open-circuit potential of the driven face;
// - the chemical D where it is known exactly (a homogeneous non-interacting
//   lattice gas: D_chem = D0 at every filling).
//
// The open-circuit potential of a face is the exact inversion of the insertion
// equilibrium for independent sites: the U at which the face sites, each an
// independent two-state site of its region's energy, would hold the measured
// number of ions in equilibrium with the electrolyte. Assumptions, stated in
// the output: no pair interactions at the face (V_i = 0) and no other species
// on its sites.
import { A2_PER_S_TO_CM2_PER_S, type RateModel } from '../model/rateModel';
import { AXES, type Scene } from '../model/scene/schema';
import { layerCount } from '../model/lattice';
import type { ReplicaExchange } from './exchange';
import { fitLine, jackknife, mean, type Estimate } from './stats';
import { fitTimeLag, timeLagFactor, TIME_LAG_ASSUMPTION, type TimeLagDiffusivity } from './timeLag';

export interface DiffusivityEstimate {
  a2PerS: Estimate;
  cm2PerS: Estimate;
}

export interface SteadyFluxDiffusivity {
  species: string;
  /** The reservoir at the low-index end and at the high-index end of `axis`. */
  faces: [string, string];
  axis: string;
  /** Layers along the axis (the faces are the first and the last), and the layer spacing, Å. */
  layers: number;
  layerSpacingA: number;
  /** J: half of (flux in at the first face − flux in at the last), ions/s per face site, over the window. */
  fluxPerSitePerS: Estimate;
  /** Time-averaged fraction of each face's sites held by the species. */
  faceOccupancy: [Estimate, Estimate];
  /** Occupancy the face sites would have in equilibrium with each face's electrolyte (independent sites). */
  equilibriumOccupancy: [number, number];
  /** D_app = J·(L − 1)·a²/(θ_first − θ_last): the bulk between the face layers. */
  fromFaceLayers: DiffusivityEstimate;
  /** D_app = J·(L − 1)·a²/(θ_eq,first − θ_eq,last): from the electrolytes' concentrations, interfaces included. */
  fromElectrolytes: DiffusivityEstimate;
  /** The time lag of the outflow from an empty start, and D_lag (timeLag.ts). */
  timeLag: TimeLagDiffusivity;
}

export interface GittCycle {
  cycle: number;
  /** Ions that entered during the pulse, per replica. */
  inserted: Estimate;
  /**
   * Relaxed open-circuit potential before and after the pulse, V: the U at which the
   * whole host (independent sites of every region) holds the replica-mean number of
   * ions in equilibrium (NaN for an empty or full host): ΔE_s = after − before.
   */
  ocvBeforeV: Estimate;
  ocvAfterV: Estimate;
  /** The face's own potential over the last half of the relaxation, V: equal to ocvAfterV once the relaxation is complete. */
  ocvFaceRelaxedV: Estimate;
  /** Slope of the potential against √t over the pulse, V/s^½, and ΔE_τ = slope·√τ, V. */
  slopeVPerSqrtS: Estimate;
  /** Weppner–Huggins D; null for a potentiostatic pulse (it needs a constant current). */
  weppnerHuggins: DiffusivityEstimate | null;
  /** τ·D_WH/ℓ²: the short-time formula needs this ≪ 1 (semi-infinite diffusion during the pulse). */
  pulseOverDiffusionTime: number;
}

export interface GittAnalysis {
  species: string;
  reservoir: string;
  mode: 'current' | 'potential';
  pulseS: number;
  relaxationS: number;
  /** ℓ = V/S: host sites over face sites times the layer spacing along the face's axis, Å; null for a region reservoir. */
  thicknessA: number | null;
  /** Open-circuit potential of the driven face at every sample (from the replica-mean face occupancy), V; NaN where the face is empty or full. */
  ocvV: { mean: number[]; se: number[] };
  cycles: GittCycle[];
  /** Arrivals of the current source that found the face full, per replica. */
  blockedArrivals: Estimate | null;
  /** Why a Weppner–Huggins estimate is missing, or null. */
  notDefined: string | null;
  assumption: string;
}

export interface ChemicalDiffusivity {
  species: string;
  /** The exact D_chem, or null where it is not known in closed form. */
  value: DiffusivityEstimate | null;
  statement: string;
}

const exact = (a2: number): DiffusivityEstimate => ({ a2PerS: { value: a2, se: 0 }, cm2PerS: { value: a2 * A2_PER_S_TO_CM2_PER_S, se: 0 } });
const toCm2 = (e: Estimate): DiffusivityEstimate => ({ a2PerS: e, cm2PerS: { value: e.value * A2_PER_S_TO_CM2_PER_S, se: e.se * A2_PER_S_TO_CM2_PER_S } });

export const OCV_ASSUMPTION =
  'open-circuit potential: U such that the face sites (transient) or every host site (relaxed, ΔE_s), taken as independent two-state sites of their regions\' energies, hold the measured ions in equilibrium with the electrolyte (U = (kBT·ln a − μ)/z, Σ_r n_r/(1 + exp((E_r − μ)/kBT)) = N); assumes no pair interactions, no other species on those sites, and for ΔE_s a complete relaxation (compare ocvFaceRelaxedV with ocvAfterV)';

/**
 * Weppner–Huggins short-time GITT estimate (Å²/s): D = (4/(π·τ))·ℓ²·(ΔE_s/ΔE_τ)² with
 * ΔE_τ = (dE/d√t)·√τ; τ the pulse length (s), ℓ = V/S (Å), ΔE_s the change of the
 * relaxed open-circuit potential over the pulse (V), dE/d√t in V/s^½.
 */
export function weppnerHuggins(tauS: number, thicknessA: number, deltaEsV: number, slopeVPerSqrtS: number): number {
  return (4 / (Math.PI * tauS)) * thicknessA * thicknessA * (deltaEsV / (slopeVPerSqrtS * Math.sqrt(tauS))) ** 2;
}

/** Least-squares slope of value(k) against √(t_k − t_k0) over the samples k0 + 1 … k1 of a pulse. */
export function sqrtTimeSlope(times: readonly number[], value: (k: number) => number, k0: number, k1: number): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = k0 + 1; k <= k1; k++) {
    xs.push(Math.sqrt(times[k] - times[k0]));
    ys.push(value(k));
  }
  return fitLine(xs, ys).slope;
}

/** Face sites of reservoir f where species s may sit, per region. */
function faceRegionSites(model: RateModel, f: number, s: number): Float64Array {
  const res = model.channels.reservoir!;
  const n = new Float64Array(model.nRegions);
  for (let i = 0; i < model.nSites; i++) if (res.siteFace[i] === f + 1 && model.allowed[s * model.nRegions + model.siteRegion[i]]) n[model.siteRegion[i]]++;
  return n;
}

/**
 * μ (eV) at which independent sites (n[r] of region r, energy E_s,r) hold `count`
 * ions on average: Σ_r n_r/(1 + exp((E_r − μ)/kBT)) = count. Closed form on one
 * region, bisection otherwise; NaN unless 0 < count < Σ n_r.
 */
export function occupancyChemicalPotential(model: RateModel, s: number, n: Float64Array, count: number): number {
  const kT = model.kT;
  const regions: number[] = [];
  let total = 0;
  for (let r = 0; r < n.length; r++) if (n[r] > 0) (regions.push(r), (total += n[r]));
  if (!(count > 0 && count < total)) return NaN;
  const E = (r: number) => model.siteEnergy[s * model.nRegions + r];
  if (regions.length === 1) {
    const theta = count / total;
    return E(regions[0]) + kT * Math.log(theta / (1 - theta));
  }
  const held = (mu: number) => regions.reduce((a, r) => a + n[r] / (1 + Math.exp((E(r) - mu) / kT)), 0);
  let lo = Math.min(...regions.map(E)) + kT * Math.log(count / total) - kT;
  let hi = Math.max(...regions.map(E)) + kT * Math.log(count / (total - count)) + kT;
  while (held(lo) > count) lo -= 10 * kT;
  while (held(hi) < count) hi += 10 * kT;
  for (let it = 0; it < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo)); it++) {
    const mid = (lo + hi) / 2;
    if (held(mid) < count) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Equilibrium occupancy of independent sites at chemical potential μ. */
function equilibriumOccupancy(model: RateModel, s: number, n: Float64Array, mu: number): number {
  let held = 0;
  let total = 0;
  for (let r = 0; r < n.length; r++) {
    if (n[r] === 0) continue;
    held += n[r] / (1 + Math.exp((model.siteEnergy[s * model.nRegions + r] - mu) / model.kT));
    total += n[r];
  }
  return held / total;
}

/** μ_s = kBT·ln a − z·U at reservoir f (eV). */
function electrolyteMu(model: RateModel, f: number, s: number): number {
  const res = model.channels.reservoir!;
  return model.kT * Math.log(res.activity[f * model.nSpecies + s]) - model.charge[s] * res.potential;
}

/** Open-circuit potential (V) of `count` ions of s on face f: U = (kBT·ln a − μ)/z. */
export function openCircuitPotential(model: RateModel, f: number, s: number, n: Float64Array, count: number): number {
  const a = model.channels.reservoir!.activity[f * model.nSpecies + s];
  return (model.kT * Math.log(a) - occupancyChemicalPotential(model, s, n, count)) / model.charge[s];
}

/** Axis and end of a face reservoir, or null for a region reservoir. */
function faceOf(scene: Pick<Scene, 'reservoirs'>, f: number): { axis: number; end: '-' | '+' } | null {
  const face = scene.reservoirs[f].face;
  return face ? { axis: AXES.indexOf(face[0] as 'x'), end: face[1] as '-' | '+' } : null;
}

/** Statistic of a subset of replicas (all of them, then each left out) → jackknife estimate. */
function jackknifed(R: number, stat: (use: (r: number) => boolean) => number): Estimate {
  const full = stat(() => true);
  if (R < 2) return { value: full, se: NaN };
  return jackknife(full, Array.from({ length: R }, (_, skip) => stat((r) => r !== skip)));
}

/** Mean over the replicas in `use` of v(r). */
function pooled(replicas: readonly ReplicaExchange[], use: (r: number) => boolean, v: (x: ReplicaExchange) => number): number {
  let sum = 0;
  let n = 0;
  replicas.forEach((x, r) => {
    if (!use(r)) return;
    sum += v(x);
    n++;
  });
  return sum / n;
}

/**
 * D_app from the steady flux between two opposite faces, per species crossing both; empty when the scene has no such pair.
 * `steadyReached(f, s)`: the batch-means verdict on the net flux of species s at face f (null: not judged).
 */
export function steadyFluxDiffusivities(
  model: RateModel,
  scene: Pick<Scene, 'reservoirs'>,
  replicas: readonly ReplicaExchange[],
  window: readonly number[],
  steadyReached: (f: number, s: number) => boolean | null = () => null,
): SteadyFluxDiffusivity[] {
  const res = model.channels.reservoir!;
  const S = model.nSpecies;
  const out: SteadyFluxDiffusivity[] = [];
  const k0 = window[0];
  const k1 = window[window.length - 1];
  for (let a = 0; a < scene.reservoirs.length; a++) {
    const fa = faceOf(scene, a);
    if (!fa || fa.end !== '-') continue;
    const b = scene.reservoirs.findIndex((_, g) => faceOf(scene, g)?.axis === fa.axis && faceOf(scene, g)?.end === '+');
    if (b < 0) continue;
    const layers = layerCount(model.lattice, fa.axis as 0 | 1 | 2);
    const spacing = model.lattice.layerSpacing[fa.axis];
    for (let s = 0; s < S; s++) {
      if (Number.isNaN(res.barrier[a * S + s]) || Number.isNaN(res.barrier[b * S + s])) continue;
      const na = faceRegionSites(model, a, s);
      const nb = faceRegionSites(model, b, s);
      const sitesA = na.reduce((x, y) => x + y, 0);
      const sitesB = nb.reduce((x, y) => x + y, 0);
      const rhoA = equilibriumOccupancy(model, s, na, electrolyteMu(model, a, s));
      const rhoB = equilibriumOccupancy(model, s, nb, electrolyteMu(model, b, s));
      if (!(layers > 1) || rhoA === rhoB) continue;
      const net = (x: ReplicaExchange, f: number, k: number) => x.insertions[f * S + s][k] - x.removals[f * S + s][k];
      const flux = (x: ReplicaExchange) => ((net(x, a, k1) - net(x, a, k0)) / sitesA - (net(x, b, k1) - net(x, b, k0)) / sitesB) / (2 * (x.times[k1] - x.times[k0]));
      const theta = (x: ReplicaExchange, f: number, sites: number) => mean(window.map((k) => x.faceOccupancy[f * S + s][k])) / sites;
      const geometry = (layers - 1) * spacing * spacing;
      const fromLayers = jackknifed(replicas.length, (use) => (pooled(replicas, use, flux) * geometry) / (pooled(replicas, use, (x) => theta(x, a, sitesA)) - pooled(replicas, use, (x) => theta(x, b, sitesB))));
      const fromElectrolytes = jackknifed(replicas.length, (use) => (pooled(replicas, use, flux) * geometry) / (rhoA - rhoB));
      out.push({
        species: model.speciesNames[s],
        faces: [res.faceNames[a], res.faceNames[b]],
        axis: AXES[fa.axis],
        layers,
        layerSpacingA: spacing,
        fluxPerSitePerS: jackknifed(replicas.length, (use) => pooled(replicas, use, flux)),
        faceOccupancy: [jackknifed(replicas.length, (use) => pooled(replicas, use, (x) => theta(x, a, sitesA))), jackknifed(replicas.length, (use) => pooled(replicas, use, (x) => theta(x, b, sitesB)))],
        equilibriumOccupancy: [rhoA, rhoB],
        fromFaceLayers: toCm2(fromLayers),
        fromElectrolytes: toCm2(fromElectrolytes),
        timeLag: timeLagOf(replicas, window, s, rhoA >= rhoB ? [a, b] : [b, a], rhoA >= rhoB ? [rhoA, rhoB] : [rhoB, rhoA], rhoA >= rhoB ? sitesB : sitesA, (layers - 1) * spacing, steadyReached, res.faceNames),
      });
    }
  }
  return out;
}

/**
 * t_lag from the outflow at the downstream face (faces [up, down], equilibrium occupancies
 * [ρ_up, ρ_down], `downSites` face sites), jackknifed over replicas, and D_lag; refused
 * when the slab did not start empty or the downstream face's flux was not judged steady.
 */
function timeLagOf(
  replicas: readonly ReplicaExchange[],
  window: readonly number[],
  s: number,
  [up, down]: [number, number],
  [rhoUp, rhoDown]: [number, number],
  downSites: number,
  thicknessA: number,
  steadyReached: (f: number, s: number) => boolean | null,
  faceNames: readonly string[],
): TimeLagDiffusivity {
  const factor = timeLagFactor(rhoUp, rhoDown);
  const base = { upstream: faceNames[up], downstream: faceNames[down], thicknessA, factor, assumption: TIME_LAG_ASSUMPTION };
  const held = replicas.map((x) => x.population[s][0]);
  // The fit uses the downstream outflow only, so its face's verdict decides (asking both faces
  // would double the false alarms of the 95 % t-test, 5 % each, for no information the fit uses).
  const steady = steadyReached(down, s);
  const notDefined =
    held.some((n) => n !== 0) ? `the slab did not start empty (${Math.max(...held)} ions at t = 0 in some replica): the time lag needs an empty interior at the start (give this species a population of count 0)`
    : steady === null ? `steady state not judged at "${faceNames[down]}" (too few samples in the window): the asymptote of the outflow cannot be fitted`
    : !steady ? `the outflow at "${faceNames[down]}" never reached steady state in the window (see that face's verdict): run longer or raise observe.fitFrom`
    : null;
  if (notDefined !== null) return { ...base, tLagS: null, a2PerS: null, cm2PerS: null, notDefined };
  const S = replicas[0].insertions.length / faceNames.length;
  const j = down * S + s;
  const R = replicas.length;
  // Only the window's samples enter the fit; each leave-one-out set costs one pass over them.
  const inWindow = window.map((_, i) => i);
  const lag = (use: (r: number) => boolean) => {
    const times = window.map((k) => pooled(replicas, use, (x) => x.times[k]));
    const outflow = window.map((k) => pooled(replicas, use, (x) => (x.removals[j][k] - x.insertions[j][k] - x.removals[j][0] + x.insertions[j][0]) / downSites));
    return fitTimeLag(times, outflow, inWindow).tLagS;
  };
  const full = lag(() => true);
  const leftOut = R < 2 ? [] : Array.from({ length: R }, (_, skip) => lag((r) => r !== skip));
  const dOf = (t: number) => (thicknessA * thicknessA * factor) / t;
  const tLag = R < 2 ? { value: full, se: NaN } : jackknife(full, leftOut);
  const d = R < 2 ? { value: dOf(full), se: NaN } : jackknife(dOf(full), leftOut.map(dOf));
  const cm2 = toCm2(d);
  return { ...base, tLagS: tLag, a2PerS: cm2.a2PerS, cm2PerS: cm2.cm2PerS, notDefined: null };
}

/** The GITT analysis of a pulse protocol. `meanTimes`: the common sample grid, s. */
export function gittAnalysis(model: RateModel, scene: Pick<Scene, 'reservoirs' | 'protocol'>, replicas: readonly ReplicaExchange[], meanTimes: readonly number[]): GittAnalysis | null {
  const pulse = scene.protocol?.pulse;
  if (!pulse) return null;
  const S = model.nSpecies;
  const R = replicas.length;
  const f = pulse.reservoir === undefined ? 0 : scene.reservoirs.findIndex((r) => r.name === pulse.reservoir);
  const s = model.speciesNames.indexOf(pulse.species);
  const n = faceRegionSites(model, f, s);
  const faceSites = n.reduce((x, y) => x + y, 0);
  let hostSites = 0;
  for (let i = 0; i < model.nSites; i++) if (model.allowed[s * model.nRegions + model.siteRegion[i]]) hostSites++;
  const face = faceOf(scene, f);
  const thicknessA = face ? (hostSites / faceSites) * model.lattice.layerSpacing[face.axis] : null;
  const j = f * S + s;
  const K = meanTimes.length;
  const perSegment = (K - 1) / (2 * pulse.cycles);
  const ocvOf = (count: number) => openCircuitPotential(model, f, s, n, count);
  const host = new Float64Array(model.nRegions);
  for (let i = 0; i < model.nSites; i++) if (model.allowed[s * model.nRegions + model.siteRegion[i]]) host[model.siteRegion[i]]++;
  const hostOcvAt = (use: (r: number) => boolean, k: number) => openCircuitPotential(model, f, s, host, pooled(replicas, use, (x) => x.population[s][k]));
  const ocvAt = (use: (r: number) => boolean, k: number) => ocvOf(pooled(replicas, use, (x) => x.faceOccupancy[j][k]));
  /** The face's OCV over the last half of cycle c's relaxation. */
  const relaxed = (use: (r: number) => boolean, c: number) => {
    const end = Math.round((2 * c + 2) * perSegment);
    const from = Math.round((2 * c + 1.5) * perSegment);
    let sum = 0;
    for (let k = from; k <= end; k++) sum += pooled(replicas, use, (x) => x.faceOccupancy[j][k]);
    return ocvOf(sum / (end - from + 1));
  };
  const ocv = { mean: [] as number[], se: [] as number[] };
  for (let k = 0; k < K; k++) {
    const e = jackknifed(R, (use) => ocvAt(use, k));
    ocv.mean.push(e.value);
    ocv.se.push(e.se);
  }
  const notDefined =
    pulse.current === undefined ? 'the Weppner–Huggins estimate needs a constant current: give protocol.pulse.current instead of potential'
    : thicknessA === null ? 'the Weppner–Huggins estimate needs the thickness V/S of a face reservoir; the pulse drives a region reservoir'
    : model.charge[s] === 0 ? `${pulse.species} carries no charge: no potential to analyse`
    : null;
  const cycles: GittCycle[] = [];
  const tau = pulse.duration;
  for (let c = 0; c < pulse.cycles; c++) {
    const k0 = Math.round(2 * c * perSegment);
    const k1 = Math.round((2 * c + 1) * perSegment);
    if (k1 >= K) break;
    const inserted = jackknifed(R, (use) => pooled(replicas, use, (x) => x.insertions[j][k1] - x.insertions[j][k0]));
    // The pulse's own samples after its start: E against √(t − t_start).
    const slope = (use: (r: number) => boolean) => sqrtTimeSlope(meanTimes, (k) => ocvAt(use, k), k0, k1);
    const wh = (use: (r: number) => boolean) => weppnerHuggins(tau, thicknessA!, hostOcvAt(use, k1) - hostOcvAt(use, k0), slope(use));
    const d = notDefined === null && Math.round((2 * c + 2) * perSegment) < K ? jackknifed(R, wh) : null;
    cycles.push({
      cycle: c,
      inserted,
      ocvBeforeV: jackknifed(R, (use) => hostOcvAt(use, k0)),
      ocvAfterV: jackknifed(R, (use) => hostOcvAt(use, k1)),
      ocvFaceRelaxedV: Math.round((2 * c + 2) * perSegment) < K ? jackknifed(R, (use) => relaxed(use, c)) : { value: NaN, se: NaN },
      slopeVPerSqrtS: jackknifed(R, slope),
      weppnerHuggins: d ? toCm2(d) : null,
      pulseOverDiffusionTime: d && thicknessA ? (tau * d.value) / thicknessA ** 2 : NaN,
    });
  }
  const blocked = replicas.every((x) => x.sourceBlocked !== undefined) ? jackknifed(R, (use) => pooled(replicas, use, (x) => x.sourceBlocked!)) : null;
  return {
    species: pulse.species,
    reservoir: scene.reservoirs[f].name,
    mode: pulse.current !== undefined ? 'current' : 'potential',
    pulseS: pulse.duration,
    relaxationS: pulse.relaxation,
    thicknessA,
    ocvV: ocv,
    cycles,
    blockedArrivals: blocked,
    notDefined,
    assumption: OCV_ASSUMPTION + (model.hasInteractions ? ' (this scene HAS pair interactions: the potential is the independent-site estimate)' : ''),
  };
}

/**
 * D_chem where it is exact: one region, no interactions, no field, no region
 * potentials, no lubrication, an isotropic lattice: the lattice gas with
 * exclusion has D_chem = D0 = (Z/(2·dim))·w·a² at every filling (w the hop
 * rate per direction).
 */
export function chemicalDiffusivity(model: RateModel, scene: Pick<Scene, 'regions' | 'interactions' | 'field' | 'lubrication' | 'lattice' | 'temperature' | 'attemptFrequency'>, s: number): ChemicalDiffusivity {
  const species = model.speciesNames[s];
  const region = scene.regions[0];
  const p = region?.species[species];
  const reason =
    scene.regions.length !== 1 ? 'more than one region'
    : model.hasInteractions ? 'pair interactions'
    : scene.field ? 'a field'
    : region.potential ? 'a region potential'
    : scene.lubrication.length > 0 ? 'lubrication'
    : !['square', 'cubic', 'triangular'].includes(scene.lattice.type) ? `a ${scene.lattice.type} lattice`
    : !p ? `${species} not allowed`
    : null;
  if (reason !== null || !p) return { species, value: null, statement: `not known in closed form here (${reason}); the thermodynamic factor would have to be measured` };
  const w = scene.attemptFrequency * Math.exp(-p.barrier / model.kT);
  const a = scene.lattice.spacing;
  const d0 = ((model.coordination / (2 * model.dim)) * w * a * a);
  return { species, value: exact(d0), statement: 'exact: homogeneous non-interacting lattice gas with exclusion, D_chem = D0 = (Z/(2·dim))·ν·exp(−Ea/kBT)·a² at every filling' };
}
