// Turns the replicas' raw per-sample sums into the run's observables with
// error bars over independent replicas:
// - tracer D* and its per-axis parts: one least-squares slope per replica, then
//   mean ± standard error over replicas;
// - collective D_σ = ⟨|Σ_i Δr_i|²⟩/(2·dim·N·t): the ensemble average over
//   replicas first (one replica's centre of mass is far too noisy for a slope
//   of its own), then the slope; error and Haven ratio error by jackknife over
//   replicas (leave one replica out, refit).
import { A2_PER_S_TO_CM2_PER_S, N_SPECIES, type RateModel } from '../model/rateModel';
import { AXES, type AxisName, type SpeciesName } from '../model/scene/schema';
import type { ReplicaObservables } from './replicaRecorder';
import { fitWindow, jackknife, meanWithError, slopeOver, type Estimate } from './stats';

export interface Series {
  /** Mean over replicas per sample. */
  mean: number[];
  /** Standard error over replicas per sample (NaN/null with one replica). */
  se: number[];
}

export interface Diffusivity {
  /** Å²/s. */
  a2PerS: Estimate;
  /** cm²/s. */
  cm2PerS: Estimate;
}

export interface SpeciesObservables {
  species: SpeciesName;
  /** Index in RateModel.speciesNames. */
  index: number;
  /** Ions of this species in each replica. */
  count: number;
  /** MSD (Å²) per axis and total, per sample. */
  msd: Record<AxisName | 'total', Series>;
  /** Tracer diffusivity D* = slope(MSD)/(2·dim). */
  tracer: Diffusivity & { perAxisA2PerS: Partial<Record<AxisName, Estimate>> };
  /** Collective (centre-of-mass, jump) diffusivity D_σ. */
  collective: Diffusivity;
  /** Haven ratio H_R = D* ÷ D_σ. */
  havenRatio: Estimate;
  /** Hops of this species per replica. */
  eventsPerReplica: Estimate;
  /** Fraction of the sites of each layer held by this species, time-averaged over the window. */
  profile: Series;
  /** Fraction of the sites of each region held by this species, averaged like the profile. */
  regionOccupancy: { region: string; occupancy: Estimate }[];
}

export interface CrossingCount {
  from: string;
  to: string;
  /** Hops from region `from` into region `to`, per replica. */
  perReplica: Estimate;
}

export interface RunObservables {
  dim: 2 | 3;
  replicas: number;
  /** Sample times (s), mean over replicas (identical across replicas when the run is timed). */
  samples: { tS: number[]; tSeS: number[] };
  /** Fit window of D* and D_σ (s), from the mean sample times. */
  fitWindowS: [number, number];
  /** Simulated time reached per replica, s. */
  simulatedTimeS: Estimate;
  /** Events (all species) per replica. */
  eventsPerReplica: Estimate;
  species: SpeciesObservables[];
  profile: { axis: AxisName; layers: number; positionA: number[]; samplesAveraged: number };
  crossings: CrossingCount[];
  /** How every error bar was obtained, in words. */
  errorMethod: { tracer: string; collective: string; havenRatio: string; series: string };
}

export function aggregateReplicas(model: RateModel, replicas: ReplicaObservables[], fitFrom: number, profileAxis: 0 | 1 | 2): RunObservables {
  const R = replicas.length;
  if (R === 0) throw new Error('aggregateReplicas needs at least one replica');
  const dim = model.dim;
  const axes = AXES.slice(0, dim);
  // Replicas that froze or hit an event cap may hold fewer samples: keep the common part.
  const K = Math.min(...replicas.map((r) => r.times.length));
  const times = seriesOfArrays(replicas.map((r) => r.times), K);
  const window = fitWindow(times.mean, fitFrom);
  const fitWindowS: [number, number] = [times.mean[window[0]], times.mean[window[window.length - 1]]];

  const species: SpeciesObservables[] = [];
  for (let s = 0; s < N_SPECIES; s++) {
    const count = replicas[0].count[s];
    if (count === 0) continue;
    const totalOf = (r: ReplicaObservables, which: 'msd' | 'com2') => {
      const v = new Float64Array(K);
      for (const ax of axes.keys()) for (let k = 0; k < K; k++) v[k] += r[which][s][ax][k];
      return v;
    };
    const msdTotals = replicas.map((r) => totalOf(r, 'msd'));
    const msd = {} as Record<AxisName | 'total', Series>;
    axes.forEach((name, ax) => (msd[name] = seriesOfArrays(replicas.map((r) => r.msd[s][ax]), K)));
    msd.total = seriesOfArrays(msdTotals, K);

    // Tracer: a slope per replica over that replica's own fit window.
    const dPerReplica = new Float64Array(R);
    const perAxis: Partial<Record<AxisName, Estimate>> = {};
    for (let r = 0; r < R; r++) {
      const t = replicas[r].times.subarray(0, K);
      dPerReplica[r] = slopeOver(t, msdTotals[r], fitWindow(t, fitFrom)) / (2 * dim);
    }
    axes.forEach((name, ax) => {
      const v = new Float64Array(R);
      for (let r = 0; r < R; r++) {
        const t = replicas[r].times.subarray(0, K);
        v[r] = slopeOver(t, replicas[r].msd[s][ax], fitWindow(t, fitFrom)) / 2;
      }
      perAxis[name] = meanWithError(v);
    });
    const tracerA2 = meanWithError(dPerReplica);

    // Collective: ensemble mean of |Σ Δr|²/N over replicas, then the slope; jackknife for errors.
    const com2Totals = replicas.map((r) => totalOf(r, 'com2'));
    const sumCom = new Float64Array(K);
    const sumT = new Float64Array(K);
    for (let r = 0; r < R; r++)
      for (let k = 0; k < K; k++) {
        sumCom[k] += com2Totals[r][k];
        sumT[k] += replicas[r].times[k];
      }
    const collectiveSlope = (skip: number) => {
      const n = skip < 0 ? R : R - 1;
      const t = new Float64Array(K);
      const y = new Float64Array(K);
      for (let k = 0; k < K; k++) {
        t[k] = (sumT[k] - (skip < 0 ? 0 : replicas[skip].times[k])) / n;
        y[k] = (sumCom[k] - (skip < 0 ? 0 : com2Totals[skip][k])) / n / count;
      }
      return slopeOver(t, y, fitWindow(t, fitFrom)) / (2 * dim);
    };
    const dSigmaFull = collectiveSlope(-1);
    const dSigmaLoo = new Float64Array(R);
    const havenLoo = new Float64Array(R);
    const sumD = dPerReplica.reduce((a, b) => a + b, 0);
    for (let r = 0; r < R && R > 1; r++) {
      dSigmaLoo[r] = collectiveSlope(r);
      havenLoo[r] = (sumD - dPerReplica[r]) / (R - 1) / dSigmaLoo[r];
    }
    const collectiveA2 = jackknife(dSigmaFull, R > 1 ? dSigmaLoo : []);
    const haven = jackknife(tracerA2.value / dSigmaFull, R > 1 ? havenLoo : []);

    species.push({
      species: model.speciesNames[s],
      index: s,
      count,
      msd,
      tracer: { a2PerS: tracerA2, cm2PerS: toCm2(tracerA2), perAxisA2PerS: perAxis },
      collective: { a2PerS: collectiveA2, cm2PerS: toCm2(collectiveA2) },
      havenRatio: haven,
      eventsPerReplica: meanWithError(replicas.map((r) => r.events[s])),
      profile: seriesOfArrays(replicas.map((r) => r.profile[s]), model.size[profileAxis]),
      regionOccupancy: model.regionNames.map((region, g) => ({ region, occupancy: meanWithError(replicas.map((r) => r.regionOccupancy[s][g])) })),
    });
  }

  const Rg = model.nRegions;
  const crossings: CrossingCount[] = [];
  for (let a = 0; a < Rg; a++)
    for (let b = 0; b < Rg; b++) {
      if (a === b) continue;
      const v = replicas.map((r) => r.crossings[a * Rg + b]);
      if (v.every((x) => x === 0)) continue;
      crossings.push({ from: model.regionNames[a], to: model.regionNames[b], perReplica: meanWithError(v) });
    }

  const layers = model.size[profileAxis];
  return {
    dim,
    replicas: R,
    samples: { tS: times.mean, tSeS: times.se },
    fitWindowS,
    simulatedTimeS: meanWithError(replicas.map((r) => r.times[r.times.length - 1])),
    eventsPerReplica: meanWithError(replicas.map((r) => r.totalEvents)),
    species,
    profile: {
      axis: AXES[profileAxis],
      layers,
      positionA: Array.from({ length: layers }, (_, l) => l * model.spacing),
      samplesAveraged: Math.min(...replicas.map((r) => r.profileSamples)),
    },
    crossings,
    errorMethod: {
      tracer: `standard error of the mean over ${R} independent replicas (one least-squares MSD slope per replica)`,
      collective: `jackknife over ${R} independent replicas (slope of the replica-averaged centre-of-mass MSD, refitted leaving one replica out)`,
      havenRatio: `jackknife over ${R} independent replicas (ratio refitted leaving one replica out)`,
      series: `standard error of the mean over ${R} independent replicas at each sample`,
    },
  };
}

function seriesOfArrays(perReplica: ArrayLike<number>[], n: number): Series {
  const R = perReplica.length;
  const out: Series = { mean: [], se: [] };
  const column = new Float64Array(R);
  for (let k = 0; k < n; k++) {
    for (let r = 0; r < R; r++) column[r] = perReplica[r][k];
    const e = meanWithError(column);
    out.mean.push(e.value);
    out.se.push(e.se);
  }
  return out;
}

function toCm2(e: Estimate): Estimate {
  return { value: e.value * A2_PER_S_TO_CM2_PER_S, se: e.se * A2_PER_S_TO_CM2_PER_S };
}
