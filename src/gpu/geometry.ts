// Lattice facts the kernels and their twins share, derived once from a RateModel.
import { hopIndex, type RateModel } from '../model/rateModel';
import { packRegions } from './layouts';

export interface KernelGeometry {
  readonly nx: number;
  readonly ny: number;
  readonly nz: number;
  readonly nSites: number;
  /** Bit a set when axis a is periodic. */
  readonly periodicMask: number;
  /** Hop direction slots (model.directions; 2·dim on the lattices the kernels take). */
  readonly coordination: number;
  readonly nRegions: number;
  readonly siteRegion: Uint8Array;
  readonly regionWords: Uint32Array;
}

export function kernelGeometry(model: RateModel): KernelGeometry {
  const [nx, ny, nz] = model.size;
  let periodicMask = 0;
  model.periodic.forEach((p, a) => {
    if (p) periodicMask |= 1 << a;
  });
  return {
    nx, ny, nz,
    nSites: model.nSites,
    periodicMask,
    coordination: model.directions,
    nRegions: model.nRegions,
    siteRegion: model.siteRegion,
    regionWords: packRegions(model.siteRegion),
  };
}

/**
 * Neighbour of `site` along direction d (axis d>>1, + for even d) or −1 at a
 * reflecting wall: the same arithmetic as the kernels (and as model.neighbour).
 */
export function stepSite(g: KernelGeometry, site: number, d: number): number {
  const axis = d >> 1;
  const plus = (d & 1) === 0;
  const n = axis === 0 ? g.nx : axis === 1 ? g.ny : g.nz;
  const stride = axis === 0 ? 1 : axis === 1 ? g.nx : g.nx * g.ny;
  const c = axis === 0 ? site % g.nx : axis === 1 ? Math.floor(site / g.nx) % g.ny : Math.floor(site / (g.nx * g.ny));
  const periodic = ((g.periodicMask >> axis) & 1) !== 0;
  if (plus) {
    if (c + 1 < n) return site + stride;
    return periodic ? site - (n - 1) * stride : -1;
  }
  if (c > 0) return site - stride;
  return periodic ? site + (n - 1) * stride : -1;
}

/** adjacent[a·R + b] = 1 when some bond leads from a site of region a to one of region b. */
export function adjacentRegions(g: KernelGeometry): Uint8Array {
  const R = g.nRegions;
  const adjacent = new Uint8Array(R * R);
  for (let i = 0; i < g.nSites; i++) {
    const a = g.siteRegion[i];
    for (let d = 0; d < g.coordination; d++) {
      const j = stepSite(g, i, d);
      if (j >= 0) adjacent[a * R + g.siteRegion[j]] = 1;
    }
  }
  return adjacent;
}

/**
 * Largest single-direction hop rate (Hz) among the species present and the
 * region pairs that touch: sets the walkers' Γ and the lattice time step.
 */
export function maxDirectionalRate(model: RateModel, adjacent: Uint8Array, speciesPresent: readonly boolean[]): number {
  const R = model.nRegions;
  const Z = model.directions;
  let max = 0;
  for (let s = 0; s < speciesPresent.length; s++) {
    if (!speciesPresent[s]) continue;
    for (let a = 0; a < R; a++)
      for (let b = 0; b < R; b++) {
        if (!adjacent[a * R + b]) continue;
        for (let d = 0; d < Z; d++) max = Math.max(max, model.hopRate[hopIndex(model, s, a, b, d)]);
      }
  }
  return max;
}
