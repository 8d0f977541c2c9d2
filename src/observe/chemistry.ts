// Proton-chemistry observables and the stiffness report: what the CPU engine
// counts for lubrication and water dissociation, per replica, turned into
// estimates with standard errors over replicas. Per channel: its share of all
// events and a balance index (fwd − bwd)/(fwd + bwd), as pyZacros reports it
// (near 0: the channel is equilibrated and its events mostly undo each other;
// near ±1: it drives net change). Nothing here rescales a rate.
import type { RateModel } from '../model/rateModel';
import { meanWithError, type Estimate } from './stats';
import type { ChemistryCounts } from '../engine/engine';

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
  };
  /** Ions present at the end per species and origin (initial, water, inserted). */
  storedByOrigin: { species: string; initial: Estimate; water: Estimate; inserted: Estimate }[];
}

const AXIS_NAMES = ['x', 'y', 'z'];

/** Name of a hop direction pair, e.g. "±x", or "slots 0/1" where the slot is not along one axis. */
function directionPairName(model: RateModel, d: number): string {
  const v = model.directionVectors[d];
  const nonzero = [0, 1, 2].filter((a) => v[a] !== 0);
  return nonzero.length === 1 ? `±${AXIS_NAMES[nonzero[0]]}` : `slots ${d}/${model.lattice.opposite[d]}`;
}

/** Summarises the replicas' counts; null when the model has neither lubrication nor a reaction. */
export function chemistryObservables(model: RateModel, replicas: readonly ChemistryCounts[]): ChemistryObservables | null {
  if (replicas.length === 0 || (model.lubrication.length === 0 && !model.waterDissociation)) return null;
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
    };
  }
  const storedByOrigin = model.speciesNames.map((name, s) => {
    const of = (o: number) => meanWithError(replicas.map((r) => r.storedByOrigin[s][o]));
    return { species: name, initial: of(0), water: of(1), inserted: of(2) };
  });
  return { channels, lubricatedFraction, water, storedByOrigin };
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
