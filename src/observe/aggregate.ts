// Turns the replicas' raw per-sample sums into the run's observables with
// error bars over independent replicas:
// - tracer D* and its per-axis parts: one least-squares slope per replica, then
//   mean ± standard error over replicas;
// - collective D_σ = ⟨|Σ_i Δr_i|²⟩/(2·dim·N·t): one centre of mass per replica is
//   a single noisy walk, so each replica contributes its multiple-time-origin
//   MSD (every pair of samples L apart, lags up to half the run), the replicas
//   are averaged, and the slope is fitted over the lag window; error and Haven
//   ratio error by jackknife over replicas (leave one replica out, refit).
import { A2_PER_S_TO_CM2_PER_S, type RateModel } from '../model/rateModel';
import { AXES, type AxisName, type Scene, type SpeciesName } from '../model/scene/schema';
import type { ReplicaObservables } from './replicaRecorder';
import { fitWindow, jackknife, MAX_COM_LAGS, meanWithError, slopeOver, type Estimate } from './stats';
import { driftObservables, meanPopulation, type DriftObservables } from './drift';
import { exchangeObservables, type ExchangeObservables } from './exchange';

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
  /** Ions followed by the MSD at the last sample, per replica (ions present throughout the fit window; fewer than count in an open scene). */
  tracerIons: Estimate;
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
  /** Drift, mobility, conductivity and the drift-free (centred) diffusivities (drift.ts). */
  drift: DriftObservables;
  /** Exchange with the electrolyte at reservoir faces (exchange.ts); null in a closed scene. */
  exchange: ExchangeObservables | null;
  /** How every error bar was obtained, in words. */
  errorMethod: { tracer: string; collective: string; havenRatio: string; series: string };
}

/** `scene` (optional) adds the protocol and the apparent diffusivities to the exchange observables. */
export function aggregateReplicas(model: RateModel, replicas: ReplicaObservables[], fitFrom: number, profileAxis: 0 | 1 | 2, scene: Scene | null = null): RunObservables {
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
  for (let s = 0; s < model.nSpecies; s++) {
    const count = replicas[0].count[s];
    // A species absent at the start may still enter through a reservoir face.
    if (count === 0 && !model.channels.reservoir?.activity.some((a, k) => a > 0 && k % model.nSpecies === s)) continue;
    const msdTotalOf = (r: ReplicaObservables) => {
      const v = new Float64Array(K);
      for (const ax of axes.keys()) for (let k = 0; k < K; k++) v[k] += r.msd[s][ax][k];
      return v;
    };
    const msdTotals = replicas.map(msdTotalOf);
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

    // Collective: multiple-time-origin COM MSD per replica, averaged over replicas, then the slope; jackknife for errors.
    // The displacement summed over every ion the replica held (current), divided by the mean number present:
    // in a closed scene that is the initial count, in an open one the population averaged over the run.
    const lags = comLagCurves(replicas, s, K, dim);
    const meanPresent = meanPopulation(replicas, s, K);
    const sumCom = new Float64Array(lags.maxLag + 1);
    const sumT = new Float64Array(lags.maxLag + 1);
    for (let r = 0; r < R; r++)
      for (let l = 0; l <= lags.maxLag; l++) {
        sumCom[l] += lags.msd[r][l];
        sumT[l] += lags.tau[r][l];
      }
    const collectiveSlope = (skip: number) => {
      const n = skip < 0 ? R : R - 1;
      const t = new Float64Array(lags.maxLag + 1);
      const y = new Float64Array(lags.maxLag + 1);
      for (let l = 0; l <= lags.maxLag; l++) {
        t[l] = (sumT[l] - (skip < 0 ? 0 : lags.tau[skip][l])) / n;
        y[l] = (sumCom[l] - (skip < 0 ? 0 : lags.msd[skip][l])) / n / meanPresent;
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
      tracerIons: meanWithError(replicas.map((r) => (r.tracers ? r.tracers[s][K - 1] : r.count[s]))),
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
      positionA: Array.from({ length: layers }, (_, l) => l * model.lattice.layerSpacing[profileAxis]),
      samplesAveraged: Math.min(...replicas.map((r) => r.profileSamples)),
    },
    crossings,
    drift: driftObservables(model, replicas, fitFrom),
    exchange: model.channels.reservoir && replicas.every((r) => r.exchange) ? exchangeObservables(model, replicas.map((r) => r.exchange!), fitFrom, scene) : null,
    errorMethod: {
      tracer: `standard error of the mean over ${R} independent replicas (one least-squares MSD slope per replica)`,
      collective: `jackknife over ${R} independent replicas (slope of the replica-averaged multiple-time-origin centre-of-mass MSD, lags up to half the run, refitted leaving one replica out)`,
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

/**
 * Multiple-time-origin centre-of-mass MSD of species s for each replica:
 * msd[r][j] = mean over k of |C(k+L) − C(k)|² (Å², summed over the axes) and
 * tau[r][j] the mean time between those samples, at lags L = j·stride up to
 * ⌊(K−1)/2⌋, so every lag averages at least half the run's origins. Up to
 * 2·MAX_COM_LAGS + 1 samples every lag is used (stride 1); beyond, the lags
 * are thinned to MAX_COM_LAGS evenly spaced ones, so the cost is O(K·MAX_COM_LAGS)
 * rather than O(K²) (1e5 samples once took a minute for two replicas).
 */
function comLagCurves(replicas: ReplicaObservables[], s: number, K: number, dim: number) {
  const longestLag = Math.max(1, Math.floor((K - 1) / 2));
  const stride = Math.ceil(longestLag / MAX_COM_LAGS);
  const maxLag = Math.floor(longestLag / stride);
  const msd: Float64Array[] = [];
  const tau: Float64Array[] = [];
  for (const r of replicas) {
    const current = (r.current ?? r.com)[s];
    const m = new Float64Array(maxLag + 1);
    const t = new Float64Array(maxLag + 1);
    for (let j = 1; j <= maxLag && j * stride < K; j++) {
      const l = j * stride;
      let sum = 0;
      let dt = 0;
      const origins = K - l;
      for (let k = 0; k < origins; k++) {
        for (let ax = 0; ax < dim; ax++) {
          const d = current[ax][k + l] - current[ax][k];
          sum += d * d;
        }
        dt += r.times[k + l] - r.times[k];
      }
      m[j] = sum / origins;
      t[j] = dt / origins;
    }
    msd.push(m);
    tau.push(t);
  }
  return { maxLag, msd, tau };
}
