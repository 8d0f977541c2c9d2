// What the electrolyte does during a run (scene.protocol), as a list of
// segments of the sample grid, each with the rate model that holds in it:
//
// - a potential staircase (protocol.potentials): equal steps, step k compiled
//   at potentials[k] V (the faces open); samples at (k/samples)·run.time as in
//   a run without a protocol;
// - a GITT-like pulse (protocol.pulse), `cycles` times:
//   pulse: potentiostatic (the faces open at pulse.potential) or galvanostatic
//          (every face closed to the electrolyte; a current source puts ions
//          of pulse.species on the empty face sites of pulse.reservoir at a
//          fixed rate I, ions/s);
//   relaxation: every face closed (open circuit): the ions inside redistribute.
//   Pulse and relaxation each get samples/(2·cycles) equal intervals, so the
//   grid is fine where the pulse's short-time transient is.
//
// The current source is an external drive, not a detailed-balance channel:
// it inserts at rate I whatever the state and never removes, as a galvanostat
// does by doing work on the cell. Its arrivals are a Poisson process of rate I
// independent of the lattice, so superposing them on the engine's exact
// dynamics (advance the engine to the next arrival, insert, repeat) is exact.
// An arrival that finds every face site where the species may sit occupied is
// counted as blocked (the cell would hit its voltage cut-off) and dropped.
import { compileRateModel, type RateModel } from '../model/rateModel';
import type { Scene } from '../model/scene/schema';

export type SegmentKind = 'step' | 'pulse' | 'relaxation';

export interface CurrentSource {
  /** Insertions per second, ions/s. */
  ratePerS: number;
  species: number;
  /** Face sites of the driven reservoir where the species may sit. */
  sites: Int32Array;
}

export interface ProtocolSegment {
  kind: SegmentKind;
  /** The segment covers the sample intervals (fromSample, toSample]. */
  fromSample: number;
  toSample: number;
  /** Start and end time, s. */
  startS: number;
  endS: number;
  model: RateModel;
  source: CurrentSource | null;
}

export interface ProtocolPlan {
  segments: ProtocolSegment[];
  /** Time of sample k (0..samples), s. */
  sampleTime(k: number): number;
  /** The segment holding sample interval k (from sample k − 1 to k), k ≥ 1. */
  segmentOf(k: number): ProtocolSegment;
}

/** The model with every reservoir rate 0: the faces closed to the electrolyte (open circuit), counters and face geometry kept. */
export function closedFacesModel(model: RateModel): RateModel {
  const res = model.channels.reservoir;
  if (!res) throw new Error('closedFacesModel needs a model with reservoir faces');
  const reservoir = { ...res, insertRate: new Float64Array(res.insertRate.length), removeRate: new Float64Array(res.removeRate.length) };
  return { ...model, channels: { ...model.channels, reservoir } };
}

/** The plan of a scene's protocol on `samples` sample intervals, or null without a protocol. `model` is the scene's compiled model. */
export function protocolPlan(scene: Scene, model: RateModel, samples: number): ProtocolPlan | null {
  const protocol = scene.protocol;
  if (!protocol) return null;
  const runTime = scene.run.time!;
  if (protocol.potentials) {
    const steps = protocol.potentials.length;
    const perStep = samples / steps;
    const segments = protocol.potentials.map((potential, j) => ({
      kind: 'step' as const,
      fromSample: j * perStep,
      toSample: (j + 1) * perStep,
      startS: (j / steps) * runTime,
      endS: ((j + 1) / steps) * runTime,
      model: compileRateModel({ ...scene, electrolyte: { activity: {}, ...scene.electrolyte, potential } }),
      source: null,
    }));
    return { segments, sampleTime: (k) => (k / samples) * runTime, segmentOf: (k) => segments[Math.floor((k - 1) / perStep)] };
  }
  const pulse = protocol.pulse!;
  const perSegment = samples / (2 * pulse.cycles);
  const closed = closedFacesModel(model);
  const f = pulse.reservoir === undefined ? 0 : scene.reservoirs.findIndex((r) => r.name === pulse.reservoir);
  const s = model.speciesNames.indexOf(pulse.species);
  const pulseModel = pulse.potential !== undefined ? compileRateModel({ ...scene, electrolyte: { activity: {}, ...scene.electrolyte, potential: pulse.potential } }) : closed;
  const source = pulse.current !== undefined ? { ratePerS: pulse.current, species: s, sites: sourceSites(model, f, s) } : null;
  const period = pulse.duration + pulse.relaxation;
  const segments: ProtocolSegment[] = [];
  for (let c = 0; c < pulse.cycles; c++) {
    const start = c * period;
    segments.push({ kind: 'pulse', fromSample: 2 * c * perSegment, toSample: (2 * c + 1) * perSegment, startS: start, endS: start + pulse.duration, model: pulseModel, source });
    segments.push({ kind: 'relaxation', fromSample: (2 * c + 1) * perSegment, toSample: (2 * c + 2) * perSegment, startS: start + pulse.duration, endS: (c + 1) * period, model: closed, source: null });
  }
  const segmentOf = (k: number) => segments[Math.min(segments.length - 1, Math.floor((k - 1) / perSegment))];
  const sampleTime = (k: number) => {
    if (k === 0) return 0;
    const g = segmentOf(k);
    return g.startS + ((k - g.fromSample) / perSegment) * (g.endS - g.startS);
  };
  return { segments, sampleTime, segmentOf };
}

/** Sites of reservoir f where species s may sit. */
function sourceSites(model: RateModel, f: number, s: number): Int32Array {
  const res = model.channels.reservoir!;
  const sites: number[] = [];
  for (let i = 0; i < model.nSites; i++) if (res.siteFace[i] === f + 1 && model.allowed[s * model.nRegions + model.siteRegion[i]]) sites.push(i);
  return Int32Array.from(sites);
}
