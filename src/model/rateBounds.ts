// Bounds on every hop rate a scene can produce, decided before anything runs.
// A rate that overflows to Infinity, underflows towards 0 or becomes NaN breaks
// the clock (Δt = −ln U / R) in every engine, so validation refuses it here,
// naming the fields that set it, instead of an engine failing mid-run.
//
// For a hop of species s from region a to region b the barrier is
//   Ea = S_ab − E_a  ± |q·F·a|/2 (field along the hop axis)  ± (vmax − vmin)/2 (interactions),
// where v is the pair energy of the ion with its other neighbours: up to
// min(Z − 1, ions − 1) of them, each holding any species present or nothing.
import { N_SPECIES, type RateModel } from './rateModel';
import type { Scene } from './scene/schema';
import type { SceneIssue } from './scene/validate';

/** Largest hop rate accepted (Hz): the total over 2^26 sites × 6 directions stays far below float64's 1.8e308. */
export const MAX_RATE_HZ = 1e250;
/** Smallest non-zero hop rate accepted (Hz): −ln U / R stays finite for 1e12 events (subnormal rates never occur). */
export const MIN_RATE_HZ = 1e-250;

/** Pairs of regions joined by at least one bond, as a flat R×R 0/1 table. */
export function touchingRegions(model: RateModel): Uint8Array {
  const R = model.nRegions;
  const out = new Uint8Array(R * R);
  const [nx, ny, nz] = model.size;
  const region = model.siteRegion;
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        const a = region[i];
        out[a * R + a] = 1;
        const ends = [
          x + 1 < nx ? i + 1 : model.periodic[0] ? i - x : -1,
          y + 1 < ny ? i + nx : model.periodic[1] ? i - y * nx : -1,
          model.dim === 3 ? (z + 1 < nz ? i + nx * ny : model.periodic[2] ? i - z * nx * ny : -1) : -1,
        ];
        for (const j of ends) {
          if (j < 0) continue;
          const b = region[j];
          out[a * R + b] = 1;
          out[b * R + a] = 1;
        }
      }
  return out;
}

/** Issues for every channel whose extreme rate leaves [MIN_RATE_HZ, MAX_RATE_HZ]; empty when all fit. */
export function rateBoundIssues(scene: Scene, model: RateModel): SceneIssue[] {
  const R = model.nRegions;
  const S = N_SPECIES;
  const touching = touchingRegions(model);
  const ions = model.populations.reduce((n, p) => n + p.count, 0);
  const present = new Set(model.populations.filter((p) => p.count > 0).map((p) => p.species));
  const others = Math.max(0, Math.min(model.coordination - 1, ions - 1));
  const issues: SceneIssue[] = [];
  if (!(model.kT > 0)) {
    return [{ path: 'temperature', message: `kB·T underflows to 0 eV, so every rate is undefined; give a temperature of at least 1e-3 K`, value: scene.temperature }];
  }
  const lnMax = Math.log(MAX_RATE_HZ);
  const lnMin = Math.log(MIN_RATE_HZ);
  for (let s = 0; s < S; s++) {
    if (!present.has(s)) continue;
    let vMax = 0;
    let vMin = 0;
    for (const t of present) {
      vMax = Math.max(vMax, others * model.pairEnergy[s * S + t]);
      vMin = Math.min(vMin, others * model.pairEnergy[s * S + t]);
    }
    const interactionSpread = (vMax - vMin) / 2;
    const fieldSpread = model.field ? (Math.abs(model.charge[s] * model.field.strength) * model.spacing) / 2 : 0;
    const spread = interactionSpread + fieldSpread;
    for (let a = 0; a < R; a++)
      for (let b = a; b < R; b++) {
        if (!touching[a * R + b] || !model.allowed[s * R + a] || !model.allowed[s * R + b]) continue;
        const saddle = model.saddle[(s * R + a) * R + b];
        // Both hop directions of the bond: from a (barrier S − E_a) and from b.
        const barriers = [saddle - model.siteEnergy[s * R + a], saddle - model.siteEnergy[s * R + b]];
        const lowest = Math.min(...barriers) - spread;
        const highest = Math.max(...barriers) + spread;
        const lnFastest = Math.log(model.nu) - lowest / model.kT;
        const lnSlowest = Math.log(model.nu) - highest / model.kT;
        const tooFast = !(lnFastest <= lnMax);
        const tooSlow = !(lnSlowest >= lnMin);
        if (!tooFast && !tooSlow) continue;
        const where = a === b ? `inside region "${model.regionNames[a]}"` : `between regions "${model.regionNames[a]}" and "${model.regionNames[b]}"`;
        const shifts = [
          interactionSpread > 0 ? `interactions shift it by up to ±${interactionSpread.toPrecision(3)} eV (${others} neighbours × interactions[].energy)` : '',
          fieldSpread > 0 ? `field.strength shifts it by ±${fieldSpread.toPrecision(3)} eV` : '',
        ].filter(Boolean);
        const detail = `${model.speciesNames[s]} hops ${where} have barriers ${barriers.map((e) => e.toPrecision(4)).join(' and ')} eV${shifts.length ? `; ${shifts.join(', ')}` : ''}; at temperature ${scene.temperature} K and attemptFrequency ${scene.attemptFrequency} Hz`;
        const paths = [channelPaths(scene, model, s, a, b)];
        if (interactionSpread > 0) scene.interactions.forEach((it, k) => it.species.includes(model.speciesNames[s]) && it.energy !== 0 && paths.push(`interactions[${k}].energy`));
        if (fieldSpread > 0) paths.push('field.strength');
        if (tooFast) {
          issues.push({
            path: paths.join(', '),
            message: `${detail} the fastest rate is ${formatLnRate(lnFastest)}, above the largest ionhop can clock (${MAX_RATE_HZ} Hz); every barrier, shifts included, must stay above ${(-model.kT * (lnMax - Math.log(model.nu))).toPrecision(4)} eV`,
          });
        }
        if (tooSlow) {
          issues.push({
            path: paths.join(', '),
            message: `${detail} the slowest rate is ${formatLnRate(lnSlowest)}, below the smallest ionhop can clock (${MIN_RATE_HZ} Hz); every barrier, shifts included, must stay below ${(model.kT * (Math.log(model.nu) - lnMin)).toPrecision(4)} eV (to block a hop, leave the species out of a region instead)`,
          });
        }
        if (issues.length >= 8) return issues;
      }
  }
  return issues;
}

/** The fields that set the barrier of species s between regions a and b. */
function channelPaths(scene: Scene, model: RateModel, s: number, a: number, b: number): string {
  const name = model.speciesNames[s];
  const paths: string[] = [];
  if (a !== b) {
    const k = scene.interfaces.findIndex(
      (f) => Object.prototype.hasOwnProperty.call(f.barrier, name) && ((f.between[0] === model.regionNames[a] && f.between[1] === model.regionNames[b]) || (f.between[0] === model.regionNames[b] && f.between[1] === model.regionNames[a])),
    );
    if (k >= 0) paths.push(`interfaces[${k}].barrier.${name}`);
    else paths.push(`regions[${a}].species.${name}.barrier`, `regions[${b}].species.${name}.barrier`);
  } else paths.push(`regions[${a}].species.${name}.barrier`);
  paths.push('temperature');
  return paths.join(', ');
}

function formatLnRate(lnRate: number): string {
  if (Number.isNaN(lnRate)) return 'NaN (not a number)';
  if (!Number.isFinite(lnRate)) return lnRate > 0 ? 'infinite' : '0 Hz';
  const log10 = lnRate / Math.LN10;
  const exponent = Math.floor(log10);
  return `${Math.pow(10, log10 - exponent).toFixed(2)}e${exponent} Hz`;
}
