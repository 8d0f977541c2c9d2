// Bounds on every hop rate a scene can produce, decided before anything runs.
// A rate that overflows to Infinity, underflows towards 0 or becomes NaN breaks
// the clock (Δt = −ln U / R) in every engine, so validation refuses it here,
// naming the fields that set it, instead of an engine failing mid-run.
//
// Every hop channel that occurs on the lattice (species s from region a into
// region b along direction slot d) has a base rate hopRate (field and region
// potentials included); interactions then shift its barrier by up to
// ±(vmax − vmin)/2, where v is the pair energy of the ion with its other
// neighbours: up to min(Z − 1, ions − 1) of them, each any species present or nothing.
import { hopIndex, neighbour, type RateModel } from './rateModel';
import type { Scene } from './scene/schema';
import type { SceneIssue } from './scene/validate';

/** Largest hop rate accepted (Hz): the total over 2^26 sites × 12 directions stays far below float64's 1.8e308. */
export const MAX_RATE_HZ = 1e250;
/** Smallest non-zero hop rate accepted (Hz): −ln U / R stays finite for 1e12 events (subnormal rates never occur). */
export const MIN_RATE_HZ = 1e-250;

/** (a, b, d) triples joined by at least one bond: seen[(a·R + b)·D + d] = 1. */
export function touchingChannels(model: RateModel): Uint8Array {
  const R = model.nRegions;
  const D = model.directions;
  const seen = new Uint8Array(R * R * D);
  const region = model.siteRegion;
  for (let i = 0; i < model.nSites; i++) {
    const a = region[i];
    for (let d = 0; d < D; d++) {
      const j = neighbour(model, i, d);
      if (j >= 0) seen[(a * R + region[j]) * D + d] = 1;
    }
  }
  return seen;
}

/** Issues for every channel whose extreme rate leaves [MIN_RATE_HZ, MAX_RATE_HZ]; empty when all fit. */
export function rateBoundIssues(scene: Scene, model: RateModel): SceneIssue[] {
  if (!(model.kT > 0)) {
    return [{ path: 'temperature', message: 'kB·T underflows to 0 eV, so every rate is undefined; give a temperature of at least 1e-3 K', value: scene.temperature }];
  }
  const R = model.nRegions;
  const S = model.nSpecies;
  const D = model.directions;
  const seen = touchingChannels(model);
  const ions = model.populations.reduce((n, p) => n + p.count, 0);
  const present = new Set(model.populations.filter((p) => p.count > 0).map((p) => p.species));
  const others = Math.max(0, Math.min(model.coordination - 1, ions - 1));
  const issues: SceneIssue[] = [];
  const lnMax = Math.log(MAX_RATE_HZ);
  const lnMin = Math.log(MIN_RATE_HZ);
  const reported = new Set<string>();
  for (const s of present) {
    let vMax = 0;
    let vMin = 0;
    for (const t of present) {
      vMax = Math.max(vMax, others * model.pairEnergy[s * S + t]);
      vMin = Math.min(vMin, others * model.pairEnergy[s * S + t]);
    }
    const spread = (vMax - vMin) / 2;
    for (let a = 0; a < R; a++)
      for (let b = 0; b < R; b++) {
        if (!model.allowed[s * R + a] || !model.allowed[s * R + b]) continue;
        for (let d = 0; d < D; d++) {
          if (!seen[(a * R + b) * D + d]) continue;
          const lnRate = Math.log(model.hopRate[hopIndex(model, s, a, b, d)]);
          const lnFastest = lnRate + spread / model.kT;
          const lnSlowest = lnRate - spread / model.kT;
          const tooFast = !(lnFastest <= lnMax);
          const tooSlow = !(lnSlowest >= lnMin);
          const key = `${s}:${Math.min(a, b)}:${Math.max(a, b)}:${tooFast}:${tooSlow}`;
          if ((!tooFast && !tooSlow) || reported.has(key)) continue;
          reported.add(key);
          const where = a === b ? `inside region "${model.regionNames[a]}"` : `from region "${model.regionNames[a]}" into "${model.regionNames[b]}"`;
          const barrier = Number.isFinite(lnRate) ? `${(-model.kT * (lnRate - Math.log(model.nu))).toPrecision(4)} eV` : lnRate > 0 ? 'so low that its rate overflows' : 'so high that its rate underflows';
          const shifts = [
            spread > 0 ? `interactions shift it by up to ±${spread.toPrecision(3)} eV (${others} neighbours × interactions[].energy)` : '',
            model.field ? 'field.strength is included' : '',
          ].filter(Boolean);
          const detail = `${model.speciesNames[s]} hops ${where} have a barrier of ${barrier}${shifts.length ? ` (${shifts.join('; ')})` : ''}; at temperature ${scene.temperature} K and attemptFrequency ${scene.attemptFrequency} Hz`;
          const paths = [channelPaths(scene, model, s, a, b)];
          if (spread > 0) scene.interactions.forEach((it, k) => it.species.includes(model.speciesNames[s]) && it.energy !== 0 && paths.push(`interactions[${k}].energy`));
          if (model.field) paths.push('field.strength');
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
