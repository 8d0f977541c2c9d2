// Proton-chemistry observables and the stiffness report: what the CPU engine
// counts for lubrication and water dissociation, per replica, turned into
// estimates with standard errors over replicas. Per channel: its share of all
// events and a balance index (fwd − bwd)/(fwd + bwd), as pyZacros reports it
// (near 0: the channel is equilibrated and its events mostly undo each other;
// near ±1: it drives net change). Nothing here rescales a rate.
import type { RateModel } from '../model/rateModel';
import { fitWindow, meanWithError, type Estimate } from './stats';
import type { ChemistryCounts, IonState } from '../engine/engine';
import type { ReplicaExchange } from './exchange';
import { ConservationError } from './exchange';

export type { ChemistryCounts };

/** Origins of an ion, in the order of ChemistryCounts.storedByOrigin (src/engine/cpu/reactionChannels.ts). */
export const CHEMISTRY_ORIGINS = ['initial', 'water', 'inserted'] as const;

export interface ChannelReport {
  /** e.g. "hop Zn2+ ±x", "water-dissociation". */
  channel: string;
  /** Fraction of all events, over all replicas. */
  share: number;
  /** (fwd − bwd)/(fwd + bwd) over all replicas; NaN when the channel never fired. */
  balanceIndex: number;
}

export interface ChemistryObservables {
  channels: ChannelReport[];
  /** Per lubricated species: the fraction of its hops that were lubricated. */
  lubricatedFraction: { species: string; fraction: Estimate }[];
  /** Present only with a water-dissociation reaction. */
  water?: {
    surfaceSites: number;
    /** (dissociations − recombinations) per surface site and second. */
    turnoverPerSiteHz: Estimate;
    /** OH- per surface site at the end. */
    hydroxideCoverage: Estimate;
    dissociationsPerReplica: Estimate;
    recombinationsPerReplica: Estimate;
    /** Turnover over the fit window (after the transient), per surface site, Hz; present when the samples were recorded. */
    turnoverWindowPerSiteHz?: Estimate;
    /** OH- per surface site averaged over the samples in the fit window. */
    hydroxideCoverageTimeAveraged?: Estimate;
  };
  /** Ions present at the end per species and origin (initial, water, inserted). */
  storedByOrigin: { species: string; initial: Estimate; water: Estimate; inserted: Estimate }[];
  /**
   * The ledger per species with a source other than hops: N(end) − N(0) = (dissociations − recombinations)
   * + (insertions − removals), checked exactly at every sample of every replica (the run fails otherwise);
   * here the replica means of the three terms.
   */
  ledger: { species: string; change: Estimate; fromWater: Estimate; fromElectrolyte: Estimate }[];
  /** Finite reservoir inventories over time: ions left per sample (mean ± SE over replicas), and pH for H+ (of the mean count). */
  inventory: InventorySeries[];
}

export interface InventorySeries {
  reservoir: string;
  species: string;
  /** Mean sample times, s. */
  timeS: number[];
  ionsLeft: { mean: number[]; se: number[] };
  /** Concentration of the mean count, mol/L: ions/(N_A·volumeL). */
  concentrationMolPerL: number[];
  /** −log10 of that concentration (activity = c/(1 mol/L)), for the species named "H+"; null otherwise. Infinity prints as null in JSON (no H+ left). */
  pH: number[] | null;
}

/** One replica's reaction record per sample (scenes with water dissociation). */
export interface ReplicaChemistrySeries {
  times: Float64Array;
  /** OH- on surface sites per sample. */
  surfaceHydroxide: Float64Array;
  /** Dissociations − recombinations so far, per sample. */
  waterNet: Float64Array;
}

/**
 * Records the OH* coverage and the reaction counts at every sample and, in a scene without reservoirs
 * (the exchange recorder checks the rest), the ledger N_s(t) − N_s(0) = dissociations − recombinations
 * for the hydroxide and the proton: a ConservationError when it fails.
 */
export class ChemistryRecorder {
  private readonly times: number[] = [];
  private readonly surfaceHydroxide: number[] = [];
  private readonly waterNet: number[] = [];
  private readonly start: number[] = [];
  constructor(private readonly model: RateModel) {
    if (!model.waterDissociation) throw new Error('ChemistryRecorder needs a model with a water-dissociation reaction');
  }

  record(time: number, ions: IonState, dissociations: number, recombinations: number): void {
    const m = this.model;
    const rx = m.waterDissociation!;
    let oh = 0;
    let nOH = 0;
    let nH = 0;
    for (let i = 0; i < ions.species.length; i++) {
      if (ions.alive && !ions.alive[i]) continue;
      const s = ions.species[i];
      if (s === rx.hydroxide) {
        nOH++;
        if (rx.surfaceRegion[m.siteRegion[ions.site[i]]]) oh++;
      } else if (s === rx.proton) nH++;
    }
    // Ions without a tracer slot (engines that insert untracked ions) count too.
    const untracked = ions.untracked;
    if (untracked) {
      for (let u = 0; u < untracked.species.length; u++) {
        const s = untracked.species[u];
        if (s === rx.hydroxide) {
          nOH++;
          if (rx.surfaceRegion[m.siteRegion[untracked.site[u]]]) oh++;
        } else if (s === rx.proton) nH++;
      }
    }
    const net = dissociations - recombinations;
    if (this.times.length === 0) this.start.push(nOH, nH, net);
    else if (!m.channels.reservoir) {
      const water = net - this.start[2];
      for (const [name, change] of [[m.speciesNames[rx.hydroxide], nOH - this.start[0]], [m.speciesNames[rx.proton], nH - this.start[1]]] as const) {
        if (change !== water) throw new ConservationError(`ledger broken for ${name} at t = ${time} s: the population changed by ${change} but water gave ${water} (dissociations − recombinations)`);
      }
    }
    this.times.push(time);
    this.surfaceHydroxide.push(oh);
    this.waterNet.push(net);
  }

  finish(): ReplicaChemistrySeries {
    return { times: Float64Array.from(this.times), surfaceHydroxide: Float64Array.from(this.surfaceHydroxide), waterNet: Float64Array.from(this.waterNet) };
  }
}

const AXIS_NAMES = ['x', 'y', 'z'];

/** Name of a hop direction pair, e.g. "±x", or "slots 0/1" where the slot is not along one axis. */
function directionPairName(model: RateModel, d: number): string {
  const v = model.directionVectors[d];
  const nonzero = [0, 1, 2].filter((a) => v[a] !== 0);
  return nonzero.length === 1 ? `±${AXIS_NAMES[nonzero[0]]}` : `slots ${d}/${model.lattice.opposite[d]}`;
}

/** The model has something for this report: lubrication, a reaction or a finite reservoir inventory. */
export function hasChemistry(model: RateModel): boolean {
  return model.lubrication.length > 0 || model.waterDissociation !== null || (model.channels.reservoir?.inventory.some((n) => n >= 0) ?? false);
}

/** What chemistryObservables reads beside the end counts: per-sample series, for time averages, the ledger and the inventory. */
export interface ChemistrySeriesInputs {
  series: readonly ReplicaChemistrySeries[];
  exchange: readonly ReplicaExchange[];
  fitFrom: number;
}

/** Summarises the replicas' counts; null when the model has neither lubrication nor a reaction. */
export function chemistryObservables(model: RateModel, replicas: readonly ChemistryCounts[], over?: ChemistrySeriesInputs): ChemistryObservables | null {
  if (replicas.length === 0 || !hasChemistry(model)) return null;
  const Z = model.directions;
  const sum = (f: (r: ChemistryCounts) => number) => replicas.reduce((a, r) => a + f(r), 0);
  const allEvents = sum((r) => r.kindEvents.reduce((a, b) => a + b, 0));
  const channels: ChannelReport[] = [];
  for (let s = 0; s < model.nSpecies; s++) {
    for (let d = 0; d < Z; d++) {
      const back = model.lattice.opposite[d];
      if (back < d) continue;
      const fwd = sum((r) => r.hopsByDirection[s * Z + d]);
      const bwd = sum((r) => r.hopsByDirection[s * Z + back]);
      if (fwd + bwd === 0) continue;
      channels.push({ channel: `hop ${model.speciesNames[s]} ${directionPairName(model, d)}`, share: (fwd + bwd) / allEvents, balanceIndex: (fwd - bwd) / (fwd + bwd) });
    }
  }
  const lubricatedSpecies = [...new Set(model.lubrication.map((r) => r.species))];
  const lubricatedFraction = lubricatedSpecies.map((s) => ({
    species: model.speciesNames[s],
    fraction: meanWithError(replicas.map((r) => {
      let hops = 0;
      for (let d = 0; d < Z; d++) hops += r.hopsByDirection[s * Z + d];
      return hops > 0 ? r.lubricatedHops[s] / hops : NaN;
    }).filter(Number.isFinite)),
  }));
  let water: ChemistryObservables['water'];
  if (model.waterDissociation) {
    const rx = model.waterDissociation;
    let surfaceSites = 0;
    for (let i = 0; i < model.nSites; i++) if (rx.surfaceRegion[model.siteRegion[i]]) surfaceSites++;
    const dis = sum((r) => r.dissociations);
    const rec = sum((r) => r.recombinations);
    channels.push({ channel: 'water-dissociation', share: (dis + rec) / allEvents, balanceIndex: dis + rec > 0 ? (dis - rec) / (dis + rec) : NaN });
    water = {
      surfaceSites,
      turnoverPerSiteHz: meanWithError(replicas.map((r) => (r.dissociations - r.recombinations) / (surfaceSites * r.timeS))),
      hydroxideCoverage: meanWithError(replicas.map((r) => r.surfaceHydroxide / surfaceSites)),
      dissociationsPerReplica: meanWithError(replicas.map((r) => r.dissociations)),
      recombinationsPerReplica: meanWithError(replicas.map((r) => r.recombinations)),
      ...(over && over.series.length === replicas.length ? windowed(over.series, over.fitFrom, surfaceSites) : {}),
    };
  }
  const storedByOrigin = model.speciesNames.map((name, s) => {
    const of = (o: number) => meanWithError(replicas.map((r) => r.storedByOrigin[s][o]));
    return { species: name, initial: of(0), water: of(1), inserted: of(2) };
  });
  return { channels, lubricatedFraction, water, storedByOrigin, ledger: ledgerOf(model, replicas, over), inventory: over ? inventorySeries(model, over.exchange) : [] };
}

/** Time averages over the fit window: turnover from the change of dissociations − recombinations, and the mean OH* coverage. */
function windowed(series: readonly ReplicaChemistrySeries[], fitFrom: number, surfaceSites: number): { turnoverWindowPerSiteHz: Estimate; hydroxideCoverageTimeAveraged: Estimate } {
  const turnover: number[] = [];
  const coverage: number[] = [];
  for (const r of series) {
    const w = fitWindow(r.times, fitFrom);
    const a = w[0];
    const b = w[w.length - 1];
    if (b > a) turnover.push((r.waterNet[b] - r.waterNet[a]) / (surfaceSites * (r.times[b] - r.times[a])));
    let sum = 0;
    for (const k of w) sum += r.surfaceHydroxide[k];
    coverage.push(sum / (w.length * surfaceSites));
  }
  return { turnoverWindowPerSiteHz: meanWithError(turnover), hydroxideCoverageTimeAveraged: meanWithError(coverage) };
}

/** The ledger terms per species that water or a reservoir can change, replica means. */
function ledgerOf(model: RateModel, replicas: readonly ChemistryCounts[], over?: ChemistrySeriesInputs): ChemistryObservables['ledger'] {
  const rx = model.waterDissociation;
  const res = model.channels.reservoir;
  const out: ChemistryObservables['ledger'] = [];
  for (let s = 0; s < model.nSpecies; s++) {
    const byWater = rx !== null && (s === rx.hydroxide || s === rx.proton);
    const crosses = res ? res.faceNames.some((_, f) => !Number.isNaN(res.barrier[f * model.nSpecies + s])) : false;
    if (!byWater && !crosses) continue;
    const fromWater = replicas.map((r) => (byWater ? r.dissociations - r.recombinations : 0));
    const ex = over?.exchange ?? [];
    const fromElectrolyte = replicas.map((_, k) => {
      const x = ex[k];
      if (!x) return 0;
      const last = x.times.length - 1;
      let net = 0;
      for (let f = 0; f < res!.faceNames.length; f++) net += x.insertions[f * model.nSpecies + s][last] - x.removals[f * model.nSpecies + s][last];
      return net;
    });
    out.push({ species: model.speciesNames[s], change: meanWithError(fromWater.map((w, k) => w + fromElectrolyte[k])), fromWater: meanWithError(fromWater), fromElectrolyte: meanWithError(fromElectrolyte) });
  }
  return out;
}

/** Ions left over time in every finite inventory (replicas at equal sample index, mean times). */
export function inventorySeries(model: RateModel, exchange: readonly ReplicaExchange[]): InventorySeries[] {
  const res = model.channels.reservoir;
  if (!res || exchange.length === 0 || exchange.some((x) => !x.inventoryLeft)) return [];
  const S = model.nSpecies;
  const K = Math.min(...exchange.map((x) => x.times.length));
  const timeS = Array.from({ length: K }, (_, k) => exchange.reduce((a, x) => a + x.times[k], 0) / exchange.length);
  const out: InventorySeries[] = [];
  for (let f = 0; f < res.faceNames.length; f++)
    for (let s = 0; s < S; s++) {
      if (!(res.inventory[f * S + s] >= 0)) continue;
      const mean: number[] = [];
      const se: number[] = [];
      for (let k = 0; k < K; k++) {
        const e = meanWithError(exchange.map((x) => x.inventoryLeft![f * S + s][k]));
        mean.push(e.value);
        se.push(e.se);
      }
      const concentration = mean.map((n) => n / res.unitActivityIons[f]);
      out.push({ reservoir: res.faceNames[f], species: model.speciesNames[s], timeS, ionsLeft: { mean, se }, concentrationMolPerL: concentration, pH: model.speciesNames[s] === 'H+' ? concentration.map((c) => -Math.log10(c)) : null });
    }
  return out;
}

/**
 * The stiffness warning: at the total rate the run started with, reaching the
 * requested time takes about totalRate·time events; when that exceeds the
 * run's event budget the run will stop early. Returns the message, or null.
 */
export function stiffnessWarning(totalRateHz: number, requestedTimeS: number | undefined, eventBudget: number | undefined): string | null {
  if (requestedTimeS === undefined || eventBudget === undefined || !(totalRateHz > 0)) return null;
  const expected = totalRateHz * requestedTimeS;
  if (expected <= eventBudget) return null;
  return `reaching run.time = ${requestedTimeS.toExponential(3)} s needs about ${expected.toExponential(2)} events at the starting total rate ${totalRateHz.toExponential(3)} Hz, more than run.events = ${eventBudget}; the run will stop early at about ${(eventBudget / totalRateHz).toExponential(2)} s (rates are kept exact, not rescaled: raise run.events or shorten run.time)`;
}
