// One live run as the app sees it: an Engine plus the single-trajectory
// observables (src/observe/runningDiffusivity), packaged into Frames. No DOM,
// so it runs inside the engine worker (CPU) or on the page (WebGPU engines).
import type { Scene } from '../model/scene/schema';
import { compileRateModel, hopRateAt, type RateModel } from '../model/rateModel';
import { layerCount, layerIndex, toAngstrom } from '../model/lattice';
import { initialOccupancy, replicaSeed } from '../model/initialState';
import type { Engine, EngineKind, IonState } from '../engine/engine';
import { createEngine } from '../engine/factory';
import { RunningDiffusivity } from '../observe/runningDiffusivity';
import { profileAxisOf } from '../observe/profileAxis';
import { convergenceOf, notConvergedText, type ConvergenceState } from '../observe/convergence';
import { LiveFlux } from '../observe/liveFlux';
import { honeycombGridStep } from '../view/planeGeometry';
import type { Estimate } from '../observe/stats';
import type { AdvanceRequest, DEstimate, Frame, LiveChemistry, LiveExchange, LiveSample, SessionInfo, StepUnit } from './protocol';

/** Engines that hand out their live ion arrays without a copy (the CPU engine does). */
interface IonStateViewer {
  ionStateView(): Readonly<IonState>;
}
function hasIonStateView(e: Engine): e is Engine & IonStateViewer {
  return typeof (e as Partial<IonStateViewer>).ionStateView === 'function';
}

/** Longest simulating part of one frame (ms): Pause waits at most this plus the cost of packing the frame. */
const MAX_BUDGET_MS = 250;

/** Points of a followed ion's path kept (the oldest drop off). */
const MAX_FOLLOW_POINTS = 2000;

/** GPU engines advance in sweeps (dispatches) of fixed simulated length. */
interface Sweeping {
  readonly sweepSeconds: number;
}
function sweepSecondsOf(e: Engine): number | null {
  const s = (e as Partial<Sweeping>).sweepSeconds;
  return typeof s === 'number' ? s : null;
}

/** What one press of Step does on each engine, in words for the button's label. */
export const STEP_UNITS: Record<EngineKind, StepUnit> = {
  cpu: { kind: 'event', label: 'one event (one hop)' },
  'gpu-lattice': { kind: 'sweep', label: 'one sweep: one checkerboard sub-step (one colour, one direction)' },
  'gpu-walkers': { kind: 'sweep', label: 'one sweep: one dispatch (each walker draws its hops for one time slice)' },
};

/** Sum of the rates of every hop possible from `occupancy` (Hz): the kMC clock's speed. */
export function totalHopRate(model: RateModel, occupancy: Uint8Array): number {
  let total = 0;
  for (let i = 0; i < occupancy.length; i++) {
    if (occupancy[i] === 0) continue;
    for (let d = 0; d < model.directions; d++) total += hopRateAt(model, occupancy, i, d);
  }
  return total;
}

/** Species that are present, or may appear through an open face or a reaction (the page keeps series for these). */
export function possibleSpecies(model: RateModel, ionCounts: readonly number[]): boolean[] {
  const out = ionCounts.map((n) => n > 0);
  const res = model.channels.reservoir;
  if (res) for (let f = 0; f < res.faceNames.length; f++) for (let s = 0; s < model.nSpecies; s++) if (res.activity[f * model.nSpecies + s] > 0) out[s] = true;
  const rx = model.waterDissociation;
  if (rx) out[rx.hydroxide] = out[rx.proton] = true;
  return out;
}

export class SimulationSession {
  private readonly estimator: RunningDiffusivity;
  /** Displacements when the observables last restarted: MSD counts from there. */
  private baseline: Int32Array | null = null;
  /** Region of each ion's site when the observables last restarted (for D* by starting region). */
  private startRegion: Uint8Array | null = null;
  private relative: Int32Array | null = null;
  /** Engine clock when the observables last restarted. */
  private t0 = 0;
  private lastSample: LiveSample | null = null;
  private frozen = false;
  /** Measured engine speed, to size chunks of work to the time budget. */
  private eventsPerMs = 0;
  /** Measured cost of sampling and packing a frame (ms): on big lattices the work budget grows to twice it. */
  private overheadMs = 0;
  /** Events done by the last advance. */
  private advanced = 0;
  private stopRequested = false;
  /** Simulated time covered by the last advance (s). */
  private advancedSeconds = 0;
  /** Hops per species when the observables last restarted. */
  private eventsAtRestart = new Float64Array(0);
  private hopsPerIon: number[] = [];
  /** Total hop rate of the latest model on the state it was set on (Hz). */
  private totalRate = 0;
  /** The followed ion: its index, where it started (lattice coordinates), its displacement then, and its path. */
  private followed: { ion: number; origin: number[]; d0: number[]; path: number[] } | null = null;
  /** Ions per species when the run started (stored charge counts from there). */
  private startPopulation: number[] = [];
  /** Ions per species now. */
  private population: number[] = [];
  /** Net insertions (insertions − removals) per face and species since the observables restarted. */
  private readonly flux: LiveFlux | null;
  /**
   * Water dissociation since the observables restarted, as two cumulative counters for batch means:
   * net water split (dissociations − recombinations) and ∫ surface OH- count dt (left sums over the
   * samples, so the time average weights each sample by the time it stood).
   */
  private readonly reaction = new LiveFlux(2);
  private hydroxideIntegral = 0;
  private lastHydroxide = { time: NaN, count: 0 };

  private constructor(private readonly engine: Engine, private model: RateModel, readonly info: SessionInfo) {
    this.estimator = new RunningDiffusivity({ dim: model.dim, metric: model.lattice.metric, nSpecies: model.nSpecies, nGroups: model.nRegions });
    const faces = model.channels.reservoir?.faceNames.length ?? 0;
    this.flux = faces > 0 ? new LiveFlux(faces * model.nSpecies) : null;
  }

  static async create(kind: EngineKind, scene: Scene, seed: number): Promise<SimulationSession> {
    const model = compileRateModel(scene);
    const occupancy = initialOccupancy(model, seed, 0);
    const engine = await createEngine(kind, model, occupancy, { seed: replicaSeed(seed, 0, 'dynamics'), seedNumber: seed, replica: 0 });
    const ionCounts = new Array<number>(model.nSpecies).fill(0);
    for (const o of occupancy) if (o > 0) ionCounts[o - 1]++;
    const session = new SimulationSession(engine, model, { engine: kind, ionCounts, possibleSpecies: possibleSpecies(model, ionCounts), profileAxis: profileAxisOf(scene), step: STEP_UNITS[kind] });
    session.startPopulation = [...ionCounts];
    session.population = [...ionCounts];
    session.totalRate = totalHopRate(model, occupancy);
    await session.restartObservables();
    return session;
  }

  /** New parameters on the same lattice and ions; the run goes on, the observables restart. */
  async setScene(scene: Scene): Promise<void> {
    const model = compileRateModel(scene);
    await this.engine.setModel(model);
    this.model = model;
    this.frozen = false;
    this.totalRate = totalHopRate(model, await this.engine.occupancy());
    await this.restartObservables();
  }

  /**
   * Advances by `simSeconds` of simulated time (or, without it, by `events`
   * events), never more than `events` events, in chunks, stopping once about
   * maxMillis of work is done so the caller sees a frame soon even on a huge
   * lattice; then one sample. Frame.advancedSeconds says how far it got.
   */
  async advance(request: AdvanceRequest, maxMillis: number): Promise<void> {
    const maxEvents = Math.max(0, Math.floor(request.events));
    const startTime = this.engine.time;
    const timeTarget = request.simSeconds !== undefined ? startTime + Math.max(0, request.simSeconds) : undefined;
    let left = maxEvents;
    // Keep about two thirds of the time simulating however costly a frame is to pack, but never so long
    // that Pause (which takes effect when the frame in flight ends) would lag by more than about a second.
    const budget = Math.min(MAX_BUDGET_MS, Math.max(maxMillis, 2 * this.overheadMs));
    const start = performance.now();
    this.stopRequested = false;
    while (left > 0 && (timeTarget === undefined || this.engine.time < timeTarget) && !this.stopRequested) {
      const chunk = this.eventsPerMs > 0 ? Math.min(left, Math.max(64, Math.floor(this.eventsPerMs * budget * 0.5))) : Math.min(left, 256);
      const t = performance.now();
      const report = await this.engine.advance(timeTarget === undefined ? { events: chunk } : { events: chunk, time: timeTarget });
      const ms = performance.now() - t;
      if (report.events > 0 && ms > 0) this.eventsPerMs = this.eventsPerMs === 0 ? report.events / ms : 0.7 * this.eventsPerMs + 0.3 * (report.events / ms);
      left -= report.events;
      if (report.stoppedBy === 'frozen') {
        this.frozen = true;
        break;
      }
      if (report.stoppedBy === 'time') break;
      if (performance.now() - start >= budget) break;
    }
    this.advanced = maxEvents - left;
    this.advancedSeconds = this.engine.time - startTime;
    const t = performance.now();
    await this.sample();
    this.overheadMs = performance.now() - t;
  }

  /**
   * Ends the advance in flight after its current chunk (Pause on the page). Only
   * a session on the page can be reached while it advances; the worker's loop
   * does not yield, and its frames are short enough.
   */
  requestStop(): void {
    this.stopRequested = true;
  }

  /** Exactly one event (CPU) or one sweep (GPU engines), then one sample. */
  async step(): Promise<void> {
    const startTime = this.engine.time;
    const startEvents = this.engine.events;
    const sweep = sweepSecondsOf(this.engine);
    const report = sweep === null ? await this.engine.advance({ events: 1 }) : Number.isFinite(sweep) ? await this.engine.advance({ time: this.engine.time + sweep }) : null;
    if (report === null || report.stoppedBy === 'frozen') this.frozen = true;
    this.advanced = this.engine.events - startEvents;
    this.advancedSeconds = this.engine.time - startTime;
    await this.sample();
  }

  /** Starts following the ion on `site` (none there: stops), or stops with null. */
  async follow(site: number | null): Promise<void> {
    this.followed = null;
    if (site === null) return;
    const ions = await this.ionState();
    const ion = ions.site.indexOf(site);
    if (ion < 0) return;
    // The view's grid: cells along x hold their basis sites side by side (a honeycomb as a brick wall).
    const width = this.model.size[0] * this.model.lattice.basis;
    const ny = this.model.size[1];
    const origin = [site % width, Math.floor(site / width) % ny, Math.floor(site / (width * ny))];
    const d0 = [ions.displacement[3 * ion], ions.displacement[3 * ion + 1], ions.displacement[3 * ion + 2]];
    this.followed = { ion, origin, d0, path: [...origin] };
  }

  /** Appends the followed ion's current unwrapped position to its path (kept to the last MAX_FOLLOW_POINTS). */
  private async trackFollowed(): Promise<void> {
    const f = this.followed;
    if (!f) return;
    const ions = await this.ionState();
    const step = [0, 1, 2].map((k) => ions.displacement[3 * f.ion + k] - f.d0[k]);
    // The path is drawn in grid cells; a honeycomb counts hops along its three bonds, which map to grid steps.
    const grid = this.model.lattice.type === 'honeycomb' ? [...honeycombGridStep(step[0], step[1], step[2]), 0] : step;
    const p = [0, 1, 2].map((k) => f.origin[k] + grid[k]);
    const n = f.path.length;
    if (p[0] !== f.path[n - 3] || p[1] !== f.path[n - 2] || p[2] !== f.path[n - 1]) f.path.push(...p);
    if (f.path.length > 3 * MAX_FOLLOW_POINTS) f.path.splice(0, f.path.length - 3 * MAX_FOLLOW_POINTS);
  }

  async frame(): Promise<Frame> {
    await this.trackFollowed();
    const t = performance.now();
    const occupancy = await this.engine.occupancy();
    const sample = this.lastSample;
    this.lastSample = null;
    const advanced = this.advanced;
    const advancedSeconds = this.advancedSeconds;
    this.advanced = 0;
    this.advancedSeconds = 0;
    const crossings = Array.from(await this.engine.crossings());
    const frame: Frame = {
      time: this.engine.time,
      events: this.engine.events,
      advanced,
      advancedSeconds,
      frozen: this.frozen,
      occupancy,
      sample,
      profile: this.profile(occupancy),
      crossings,
      totalRate: this.totalRate,
      follow: this.followed ? { ion: this.followed.ion, path: [...this.followed.path] } : null,
      population: [...this.population],
      exchange: await this.exchange(),
      chemistry: await this.chemistry(),
    };
    this.overheadMs += performance.now() - t;
    return frame;
  }

  dispose(): void {
    this.engine.dispose();
  }

  private async ionState(): Promise<Readonly<IonState>> {
    return hasIonStateView(this.engine) ? this.engine.ionStateView() : this.engine.ions();
  }

  private async restartObservables(): Promise<void> {
    const ions = await this.ionState();
    this.baseline = Int32Array.from(ions.displacement);
    this.startRegion = Uint8Array.from(ions.site, (site) => this.model.siteRegion[site]);
    this.relative = new Int32Array(ions.displacement.length);
    this.t0 = this.engine.time;
    this.eventsAtRestart = Float64Array.from(await this.engine.eventCounts());
    this.estimator.reset();
    this.flux?.reset();
    this.reaction.reset();
    this.hydroxideIntegral = 0;
    this.lastHydroxide = { time: NaN, count: 0 };
    await this.sample();
  }

  private async sample(): Promise<void> {
    const ions = await this.ionState();
    if (ions.displacement.length !== this.relative!.length) {
      // Open faces or a reaction inserted ions (new slots start at zero displacement): widen the baseline so every
      // slot is covered, and give each new ion the region it arrived in as its starting region.
      const wider = new Int32Array(ions.displacement.length);
      wider.set(this.baseline!.subarray(0, Math.min(wider.length, this.baseline!.length)));
      this.baseline = wider;
      this.relative = new Int32Array(ions.displacement.length);
      const regions = new Uint8Array(ions.species.length);
      regions.set(this.startRegion!.subarray(0, Math.min(regions.length, this.startRegion!.length)));
      for (let k = this.startRegion!.length; k < regions.length; k++) regions[k] = this.model.siteRegion[ions.site[k]] ?? 0;
      this.startRegion = regions;
    }
    const base = this.baseline!;
    const rel = this.relative!;
    for (let k = 0; k < rel.length; k++) rel[k] = ions.displacement[k] - base[k];
    const time = this.engine.time - this.t0;
    this.estimator.add(time, { species: ions.species, site: ions.site, displacement: rel, alive: ions.alive }, this.startRegion!);
    const est = this.estimator.estimate();
    const population = new Array<number>(this.model.nSpecies).fill(0);
    for (let k = 0; k < ions.species.length; k++) if (!ions.alive || ions.alive[k]) population[ions.species[k]]++;
    // gpu-lattice inserts ions without a tracer slot: they count for the population (stored charge), not for an MSD.
    if (ions.untracked) for (const sp of ions.untracked.species) population[sp]++;
    this.population = population;
    const hops = await this.engine.eventCounts();
    // Per ion present now: with open faces the population changes, and hops per ion present is what the convergence rule needs.
    this.hopsPerIon = population.map((n, s) => (n > 0 ? (hops[s] - this.eventsAtRestart[s]) / n : 0));
    await this.sampleFlux(time);
    await this.sampleReaction(time);
    const blockPairs = Math.floor(est.blocks / 2);
    const a2 = this.model.spacing * this.model.spacing;
    const cm2 = (e: Estimate) => ({ value: e.value * 1e-16, se: e.se * 1e-16 });
    const judged = (k: number, msdPerHop: number, e: Estimate): DEstimate => {
      const state: ConvergenceState =
        e.value === 0 && !(e.se > 0) ? 'no-hops' : convergenceOf({ hopsPerIon: this.hopsPerIon[k] ?? 0, blockPairs, value: e.value, se: e.se, msdPerHop });
      return { ...cm2(e), convergence: state };
    };
    const msdPerHop = est.species.map((s, k) => (s.count > 0 && (this.hopsPerIon[k] ?? 0) > 0 ? s.msdA2 / (this.hopsPerIon[k] * a2) : 1));
    this.lastSample = {
      time,
      msd: est.species.map((s) => (s.count > 0 ? s.msdA2 : NaN)),
      msdAxes: est.species.map((s) => (s.count > 0 ? [...s.msdAxesA2] : [NaN, NaN, NaN])),
      dStar: est.species.map((s) => s.tracerCm2PerS.value),
      dStarError: est.species.map((s) => s.tracerCm2PerS.se),
      hopsPerIon: [...this.hopsPerIon],
      msdByStartRegion: this.msdByStartRegion(ions.species, rel, ions.alive),
      convergence: est.species.map((s, k) =>
        convergenceOf({ hopsPerIon: this.hopsPerIon[k] ?? 0, blockPairs, value: s.tracerA2PerS.value, se: s.tracerA2PerS.se, msdPerHop: msdPerHop[k] }),
      ),
      notConverged: est.species.map((s, k) =>
        notConvergedText({ hopsPerIon: this.hopsPerIon[k] ?? 0, blockPairs, value: s.tracerA2PerS.value, se: s.tracerA2PerS.se, msdPerHop: msdPerHop[k] }),
      ),
      // A component (one axis, or the ions of one region) is judged by the same rule with the species' hops per ion.
      dAxes: est.species.map((s, k) => s.axesA2PerS.slice(0, this.model.dim).map((e) => judged(k, msdPerHop[k], e))),
      dByStartRegion: est.species.map((s, k) => s.groupsA2PerS.map((e) => judged(k, msdPerHop[k], e))),
    };
  }

  /** Records net water split and the OH- integral for the live turnover and coverage. */
  private async sampleReaction(time: number): Promise<void> {
    if (!this.model.waterDissociation || !this.engine.chemistryCounts) return;
    const c = await this.engine.chemistryCounts();
    if (Number.isFinite(this.lastHydroxide.time)) this.hydroxideIntegral += this.lastHydroxide.count * (time - this.lastHydroxide.time);
    this.lastHydroxide = { time, count: c.surfaceHydroxide };
    this.reaction.add(time, [c.dissociations - c.recombinations, this.hydroxideIntegral]);
  }

  /** Records the faces' net insertions for the flux estimate. */
  private async sampleFlux(time: number): Promise<void> {
    if (!this.flux || !this.engine.reservoirCounts) return;
    const counts = await this.engine.reservoirCounts();
    if (!counts) return;
    this.flux.add(time, counts.insertions.map((v, k) => v - counts.removals[k]));
  }

  private async exchange(): Promise<LiveExchange | null> {
    if (!this.flux || !this.engine.reservoirCounts) return null;
    const counts = await this.engine.reservoirCounts();
    if (!counts) return null;
    const storedIons = this.population.map((n, s) => n - (this.startPopulation[s] ?? 0));
    const charges = storedIons.map((dn, s) => this.model.charge[s] * dn);
    const storedChargeE = charges.reduce((a, b) => a + b, 0);
    return {
      faceNames: [...counts.faceNames],
      insertions: Array.from(counts.insertions),
      removals: Array.from(counts.removals),
      netFlux: this.flux.estimate(),
      storedIons,
      chargeFraction: charges.map((q) => (storedChargeE !== 0 ? q / storedChargeE : NaN)),
      storedChargeE,
    };
  }

  private async chemistry(): Promise<LiveChemistry | null> {
    if ((!this.model.waterDissociation && this.model.lubrication.length === 0) || !this.engine.chemistryCounts) return null;
    const c = await this.engine.chemistryCounts();
    const rx = this.model.waterDissociation;
    let surfaceSites = 0;
    if (rx) for (let i = 0; i < this.model.nSites; i++) surfaceSites += rx.surfaceRegion[this.model.siteRegion[i]];
    const Z = this.model.directions;
    const hops = Array.from({ length: this.model.nSpecies }, (_, sp) => c.hopsByDirection.subarray(sp * Z, sp * Z + Z).reduce((a, b) => a + b, 0));
    // The CPU model's definitions (src/observe/chemistry.ts): turnover = net water split per surface site and
    // second; coverage = time-averaged OH- per surface site. ± SE from batch means over the span since the restart.
    const [net, integral] = rx && surfaceSites > 0 ? this.reaction.estimate() : [{ value: NaN, se: NaN }, { value: NaN, se: NaN }];
    const perSite = (e: Estimate) => ({ value: e.value / surfaceSites, se: e.se / surfaceSites });
    return {
      turnoverPerSiteHz: perSite(net),
      hydroxideCoverage: perSite(integral),
      dissociations: c.dissociations,
      recombinations: c.recombinations,
      surfaceHydroxide: c.surfaceHydroxide,
      surfaceSites,
      storedByOrigin: c.storedByOrigin.map((r) => [...r]),
      hops,
      lubricatedHops: Array.from(c.lubricatedHops),
    };
  }

  /**
   * MSD (Å², through the lattice metric) per species of the ions that started in each region, [species][region]
   * (NaN where none did): the interface's ions against the bulk's. Ions present now only.
   */
  private msdByStartRegion(species: Uint8Array, rel: Int32Array, alive: Uint8Array | undefined): number[][] {
    const R = this.model.nRegions;
    const S = this.model.nSpecies;
    const metric = this.model.lattice.metric;
    const sums = new Float64Array(S * R);
    const counts = new Float64Array(S * R);
    const start = this.startRegion!;
    for (let i = 0; i < species.length; i++) {
      if (alive && !alive[i]) continue;
      const k = species[i] * R + start[i];
      const [x, y, z] = toAngstrom(metric, rel[3 * i], rel[3 * i + 1], rel[3 * i + 2]);
      sums[k] += x * x + y * y + z * z;
      counts[k]++;
    }
    return Array.from({ length: S }, (_, s) => Array.from({ length: R }, (_, r) => (counts[s * R + r] > 0 ? sums[s * R + r] / counts[s * R + r] : NaN)));
  }

  /** Fraction of each layer's sites held by each species, along the profile axis. */
  private profile(occupancy: Uint8Array): Float64Array[] {
    const axis = this.info.profileAxis;
    const lattice = this.model.lattice;
    const layers = layerCount(lattice, axis);
    const out = Array.from({ length: this.model.nSpecies }, () => new Float64Array(layers));
    for (let i = 0; i < occupancy.length; i++) {
      const o = occupancy[i];
      if (o === 0) continue;
      out[o - 1][layerIndex(lattice, i, axis)]++;
    }
    const perLayer = this.model.nSites / layers;
    for (const p of out) for (let k = 0; k < layers; k++) p[k] /= perLayer;
    return out;
  }
}
