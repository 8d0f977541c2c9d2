// Transport under a driving force (a uniform field, built-in region
// potentials): drift velocity, mobility, ionic conductivity and the
// Nernst–Einstein comparison, plus diffusivities that do not absorb the drift.
//
// The plain MSD of a drifting ion grows as 2·D·t + v²·t², so its slope (the
// tracer D* of aggregate.ts) is inflated by the drift. Here every D is taken
// from a *centred* second moment (a variance), which removes it:
// - centred tracer D: ⟨(Δr − ⟨Δr⟩)²⟩ per axis, ⟨Δr⟩ the mean displacement of
//   the species over all its ions and replicas at that sample; one slope per
//   replica, times NR/(NR − 1) (exact for independent ions: the grand mean
//   uses up one of N·R degrees of freedom);
// - centred collective D_σ and the charge diffusivity D_Q: variance of the
//   centre-of-mass (charge) displacement over a lag τ, every time origin of a
//   replica, about the drift v̂·τ estimated from all replicas' end-to-end
//   displacement; for increments of a process with independent increments
//   (Brownian motion with drift) that centring lowers the variance by exactly
//   the factor (1 − τ/(R·T)), which is divided out. Errors by jackknife over replicas.
// Drift velocity: (⟨Δr⟩(t₂) − ⟨Δr⟩(t₁))/(t₂ − t₁) over the fit window [t₁, t₂],
// one value per replica, mean ± SE over replicas (for a drifting random walk
// the end-to-end difference is the minimum-variance estimator).
// Units: velocities in Å/s and cm/s; mobility v/F in cm²/(V·s); conductivity
// σ = e·J_Q/(V·F) in S/cm with V = (number of sites)·a³, a 2D lattice read as
// one layer of thickness a; σ_NE = e·D_Q/(V·kB·T) (Nernst–Einstein with all
// cross-correlations, = Σ n_s·z_s²·e·D_σ,s/kBT for one species). kB·T in eV.
import { A2_PER_S_TO_CM2_PER_S, type RateModel } from '../model/rateModel';
import { AXES, type AxisName } from '../model/scene/schema';
import type { ReplicaObservables } from './replicaRecorder';
import { fitWindow, jackknife, MAX_COM_LAGS, meanWithError, slopeOver, type Estimate } from './stats';

/** 1 Å/s in cm/s. */
const A_TO_CM = 1e-8;
/** Elementary charge, C. */
export const ELEMENTARY_CHARGE_C = 1.602176634e-19;
/** S/Å in S/cm. */
const S_PER_A_TO_S_PER_CM = 1e8;

export interface SpeciesDrift {
  species: string;
  /** Drift velocity per axis, Å/s: mean displacement per time over the fit window. */
  velocityAPerS: Partial<Record<AxisName, Estimate>>;
  /** The same along the field axis in cm/s (null without a field). */
  fieldVelocityCmPerS: Estimate | null;
  /** Mobility v/F along the field, cm²/(V·s), signed (negative for anions); null without a field or at F = 0. */
  mobilityCm2PerVs: Estimate | null;
  /** Nernst–Einstein mobility z·D_σ/kBT from the centred D_σ along the field, cm²/(V·s) (null without a field). */
  nernstEinsteinMobilityCm2PerVs: Estimate | null;
  /** Tracer D from the centred MSD (the variance of the displacements), drift removed; cm²/s, and per axis in Å²/s. */
  centredTracer: { cm2PerS: Estimate; a2PerS: Estimate; perAxisA2PerS: Partial<Record<AxisName, Estimate>> };
  /** Collective D_σ from the centred centre-of-mass displacement, drift removed; cm²/s, and per axis in Å²/s. */
  centredCollective: { cm2PerS: Estimate; a2PerS: Estimate; perAxisA2PerS: Partial<Record<AxisName, Estimate>> };
}

export interface Conductivity {
  /** σ = e·J_Q/(V·F) from the charge current along the field, S/cm. */
  measuredSPerCm: Estimate;
  /** σ_NE = e·D_Q/(V·kBT) from the centred charge-displacement variance along the field, S/cm. */
  nernstEinsteinSPerCm: Estimate;
  /** σ/σ_NE (1 in linear response). */
  ratio: Estimate;
  /** Charge diffusivity D_Q = Var(Σ_s z_s·ΔX_s)/(2τ) along the field, e²·Å²/s. */
  chargeDiffusivityE2A2PerS: Estimate;
}

export interface DriftObservables {
  /** Field axis and strength (V/Å), null without a uniform field. */
  field: { axis: AxisName; strengthVPerA: number } | null;
  /** Volume the densities refer to, cm³: sites·a³ (a 2D lattice is one layer of thickness a). */
  volumeCm3: number;
  species: SpeciesDrift[];
  /** Ionic conductivity along the field; null without a field. */
  conductivity: Conductivity | null;
  /** Which D is which, and how the errors were obtained. */
  notes: { diffusivities: string; drift: string; conductivity: string };
}

/** Per-replica lag statistics of one displacement series X(k) (Å or e·Å). */
interface LagStats {
  /** Σ over origins of ΔX and ΔX², and Σ of the lag times, per lag. */
  sum: Float64Array;
  sum2: Float64Array;
  tau: Float64Array;
  origins: Float64Array;
  /** X(K−1) − X(0) and the replica's time span. */
  endToEnd: number;
  span: number;
}

function lagStats(x: ArrayLike<number>, times: ArrayLike<number>, K: number, maxLag: number): LagStats {
  // Entry j holds lag j·stride: at most MAX_COM_LAGS lags, so the cost stays linear in K.
  const stride = Math.ceil(maxLag / MAX_COM_LAGS);
  const n = Math.floor(maxLag / stride);
  const sum = new Float64Array(n + 1);
  const sum2 = new Float64Array(n + 1);
  const tau = new Float64Array(n + 1);
  const origins = new Float64Array(n + 1);
  for (let j = 1; j <= n && j * stride < K; j++) {
    const l = j * stride;
    for (let k = 0; k + l < K; k++) {
      const d = x[k + l] - x[k];
      sum[j] += d;
      sum2[j] += d * d;
      tau[j] += times[k + l] - times[k];
      origins[j]++;
    }
  }
  return { sum, sum2, tau, origins, endToEnd: x[K - 1] - x[0], span: times[K - 1] - times[0] };
}

/** Lag statistics summed over all replicas, so that leaving one out costs O(lags), not O(replicas·lags). */
interface LagPool {
  stats: LagStats[];
  total: LagStats;
}

function poolLagStats(stats: LagStats[]): LagPool {
  const n = stats[0].sum.length;
  const total: LagStats = { sum: new Float64Array(n), sum2: new Float64Array(n), tau: new Float64Array(n), origins: new Float64Array(n), endToEnd: 0, span: 0 };
  for (const s of stats) {
    for (let l = 0; l < n; l++) {
      total.sum[l] += s.sum[l];
      total.sum2[l] += s.sum2[l];
      total.tau[l] += s.tau[l];
      total.origins[l] += s.origins[l];
    }
    total.endToEnd += s.endToEnd;
    total.span += s.span;
  }
  return { stats, total };
}

/**
 * Centred lag variance curve pooled over the replicas except `skip` (−1: none),
 * slope over the fit window /2: the diffusivity of X along one axis (units of X² per s).
 */
function centredLagDiffusivity(pool: LagPool, skip: number, fitFrom: number): number {
  const { total } = pool;
  const out = skip >= 0 ? pool.stats[skip] : null;
  const n = pool.stats.length - (out ? 1 : 0);
  const maxLag = total.sum.length - 1;
  const spanSum = total.span - (out ? out.span : 0);
  const drift = (total.endToEnd - (out ? out.endToEnd : 0)) / spanSum; // v̂ per unit time
  const meanSpan = spanSum / n;
  const t = new Float64Array(maxLag + 1);
  const v = new Float64Array(maxLag + 1);
  for (let l = 1; l <= maxLag; l++) {
    const s1 = total.sum[l] - (out ? out.sum[l] : 0);
    const s2 = total.sum2[l] - (out ? out.sum2[l] : 0);
    const no = total.origins[l] - (out ? out.origins[l] : 0);
    const tau = (total.tau[l] - (out ? out.tau[l] : 0)) / no;
    // ⟨(ΔX − v̂τ)²⟩ over origins, then the exact centring correction for independent increments.
    const centred = s2 / no - (2 * drift * tau * s1) / no + drift * drift * tau * tau;
    t[l] = tau;
    v[l] = centred / (1 - tau / (n * meanSpan));
  }
  return slopeOver(t, v, fitWindow(t, fitFrom).filter((l) => l > 0)) / 2;
}

function jackknifeOverReplicas(R: number, statistic: (skip: number) => number): Estimate {
  const full = statistic(-1);
  if (R < 2) return { value: full, se: NaN };
  const loo = new Float64Array(R);
  for (let r = 0; r < R; r++) loo[r] = statistic(r);
  return jackknife(full, loo);
}

const scaled = (e: Estimate, f: number): Estimate => ({ value: e.value * f, se: e.se * Math.abs(f) });

/** Ions of species s present, averaged over the replicas and the first K samples; the initial count in a closed scene (or a record without populations). */
export function meanPopulation(replicas: ReplicaObservables[], s: number, K: number): number {
  if (!replicas.every((r) => r.present)) return replicas[0].count[s];
  const first = replicas[0].present![s][0];
  let sum = 0;
  let constant = true;
  for (const r of replicas)
    for (let k = 0; k < K; k++) {
      const v = r.present![s][k];
      sum += v;
      if (v !== first) constant = false;
    }
  // A constant population gives exactly that count (no rounding from the sum), so closed scenes keep their numbers bit for bit.
  return constant ? first : sum / (replicas.length * K);
}

export function driftObservables(model: RateModel, replicas: ReplicaObservables[], fitFrom: number): DriftObservables {
  const R = replicas.length;
  const dim = model.dim;
  const axes = AXES.slice(0, dim);
  const K = Math.min(...replicas.map((r) => r.times.length));
  const maxLag = Math.max(1, Math.floor((K - 1) / 2));
  const volumeA3 = model.nSites * model.lattice.siteVolume;
  const fieldAxis: number = model.field ? model.field.axis : -1;
  const F = model.field ? model.field.strength : 0;
  const kT = model.kT;

  // Fit window per replica (own times), as the tracer D* uses.
  const windows = replicas.map((r) => fitWindow(r.times.subarray(0, K), fitFrom));

  const species: SpeciesDrift[] = [];
  const chargeSeries: Float64Array[] = replicas.map(() => new Float64Array(K));
  // Species slots as the recorder counted them (the model's species, in order).
  for (let s = 0; s < replicas[0].count.length; s++) {
    // In an open scene: the population averaged over the run, and the displacement of every ion the
    // replica held (aggregate.ts, meanPopulation); in a closed one the initial count and the tracer sums, unchanged.
    const N = meanPopulation(replicas, s, K);
    if (N === 0) continue;
    const current = replicas.map((r) => (r.current ?? r.com)[s]);
    /** Ions in the MSD average of replica r at sample k (the tracer sums msd and com). */
    const tracersAt = (r: number, k: number) => (replicas[r].tracers ? replicas[r].tracers![s][k] : N);
    const z = model.charge[s];
    for (let r = 0; r < R; r++) if (fieldAxis >= 0) for (let k = 0; k < K; k++) chargeSeries[r][k] += z * current[r][fieldAxis][k];

    const velocityAPerS: Partial<Record<AxisName, Estimate>> = {};
    const tracerPerAxis: Partial<Record<AxisName, Estimate>> = {};
    const collectivePerAxis: Partial<Record<AxisName, Estimate>> = {};
    const tracerTotal = new Float64Array(R);
    const biasCorrection = N * R > 1 ? (N * R) / (N * R - 1) : 1;
    const collectiveStats: LagPool[] = [];
    axes.forEach((name, ax) => {
      const v = new Float64Array(R);
      for (let r = 0; r < R; r++) {
        const w = windows[r];
        const t = replicas[r].times;
        const c = current[r][ax];
        v[r] = (c[w[w.length - 1]] - c[w[0]]) / N / (t[w[w.length - 1]] - t[w[0]]);
      }
      velocityAPerS[name] = meanWithError(v);
      // Centred MSD: about the mean displacement of all ions of all replicas at each sample.
      const m = new Float64Array(K);
      for (let r = 0; r < R; r++) for (let k = 0; k < K; k++) m[k] += tracersAt(r, k) > 0 ? replicas[r].com[s][ax][k] / tracersAt(r, k) / R : 0;
      const d = new Float64Array(R);
      for (let r = 0; r < R; r++) {
        const centred = new Float64Array(K);
        for (let k = 0; k < K; k++) {
          const c = tracersAt(r, k) > 0 ? replicas[r].com[s][ax][k] / tracersAt(r, k) : 0;
          centred[k] = replicas[r].msd[s][ax][k] - 2 * m[k] * c + m[k] * m[k];
        }
        d[r] = (slopeOver(replicas[r].times.subarray(0, K), centred, windows[r]) / 2) * biasCorrection;
        tracerTotal[r] += d[r] / dim;
      }
      tracerPerAxis[name] = meanWithError(d);
      const stats = poolLagStats(replicas.map((r, i) => lagStats(current[i][ax], r.times, K, maxLag)));
      collectiveStats.push(stats);
      collectivePerAxis[name] = scaled(jackknifeOverReplicas(R, (skip) => centredLagDiffusivity(stats, skip, fitFrom)), 1 / N);
    });
    const tracerA2 = meanWithError(tracerTotal);
    const collectiveA2 = jackknifeOverReplicas(R, (skip) => {
      let sum = 0;
      for (const stats of collectiveStats) sum += centredLagDiffusivity(stats, skip, fitFrom);
      return sum / dim / N;
    });
    const fieldName: AxisName | null = model.field ? AXES[model.field.axis] : null;
    const vField = fieldName ? velocityAPerS[fieldName]! : null;
    species.push({
      species: model.speciesNames[s],
      velocityAPerS,
      fieldVelocityCmPerS: vField ? scaled(vField, A_TO_CM) : null,
      mobilityCm2PerVs: vField && F !== 0 ? scaled(vField, A2_PER_S_TO_CM2_PER_S / F) : null,
      nernstEinsteinMobilityCm2PerVs: fieldName ? scaled(collectivePerAxis[fieldName]!, (z * A2_PER_S_TO_CM2_PER_S) / kT) : null,
      centredTracer: { a2PerS: tracerA2, cm2PerS: scaled(tracerA2, A2_PER_S_TO_CM2_PER_S), perAxisA2PerS: tracerPerAxis },
      centredCollective: { a2PerS: collectiveA2, cm2PerS: scaled(collectiveA2, A2_PER_S_TO_CM2_PER_S), perAxisA2PerS: collectivePerAxis },
    });
  }

  const conductivity = fieldAxis >= 0 && F !== 0 ? conductivityOf(replicas, chargeSeries, windows, volumeA3, F, kT, K, maxLag, fitFrom) : null;

  return {
    field: model.field ? { axis: AXES[model.field.axis], strengthVPerA: model.field.strength } : null,
    volumeCm3: volumeA3 * 1e-24,
    species,
    conductivity,
    notes: {
      diffusivities:
        'tracer D* is the slope of the plain MSD and includes the drift (v²t²); centred D is the slope of the variance of the displacements about the mean displacement of the species (drift removed, ×NR/(NR−1)); centred D_σ is the variance of the centre-of-mass displacement about the mean drift (drift removed)',
      drift: `mean displacement per time over the fit window, one value per replica; SE over ${R} replicas. Mobility = v/F. Nernst–Einstein mobility = z·D_σ/kBT with the centred D_σ along the field (jackknife over replicas)`,
      conductivity: `σ = e·J_Q/(V·F), J_Q = d(Σ z_s·ΔX_s)/dt along the field over the fit window, V = sites × volume per site (lattice.siteVolume; 2D: one layer of thickness a), SE over ${R} replicas; σ_NE = e·D_Q/(V·kBT) with D_Q the centred charge-displacement variance /(2τ) (jackknife)`,
    },
  };
}

/**
 * σ from the charge current along the field over each replica's fit window (mean ± SE over replicas),
 * σ_NE from the centred charge-displacement variance and their ratio (jackknife over replicas).
 * chargeSeries[r][k] = Σ_s z_s·X_s along the field, e·Å.
 */
function conductivityOf(
  replicas: ReplicaObservables[],
  chargeSeries: Float64Array[],
  windows: number[][],
  volumeA3: number,
  F: number,
  kT: number,
  K: number,
  maxLag: number,
  fitFrom: number,
): Conductivity {
  const R = replicas.length;
  const toSigma = (ELEMENTARY_CHARGE_C * S_PER_A_TO_S_PER_CM) / (volumeA3 * F);
  const perReplica = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    const w = windows[r];
    const t = replicas[r].times;
    perReplica[r] = ((chargeSeries[r][w[w.length - 1]] - chargeSeries[r][w[0]]) / (t[w[w.length - 1]] - t[w[0]])) * toSigma;
  }
  const stats = poolLagStats(chargeSeries.map((q, r) => lagStats(q, replicas[r].times, K, maxLag)));
  const toNernstEinstein = (ELEMENTARY_CHARGE_C * S_PER_A_TO_S_PER_CM) / (volumeA3 * kT);
  const sigmaOf = (skip: number) => {
    let sum = 0;
    for (let r = 0; r < R; r++) if (r !== skip) sum += perReplica[r];
    return sum / (skip < 0 ? R : R - 1);
  };
  const dQ = jackknifeOverReplicas(R, (skip) => centredLagDiffusivity(stats, skip, fitFrom));
  return {
    measuredSPerCm: meanWithError(perReplica),
    nernstEinsteinSPerCm: scaled(dQ, toNernstEinstein),
    ratio: jackknifeOverReplicas(R, (skip) => sigmaOf(skip) / (centredLagDiffusivity(stats, skip, fitFrom) * toNernstEinstein)),
    chargeDiffusivityE2A2PerS: dQ,
  };
}
