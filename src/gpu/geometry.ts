// Lattice facts the kernels and their twins share, derived once from a
// RateModel's lattice (src/model/lattice.ts): sizes, boundaries, the packed
// direction slots, and the sites of each colour class for the lattice kernel.
import { hopIndex, type RateModel } from '../model/rateModel';
import { colourOf, neighbour, type Lattice } from '../model/lattice';
import { directionWord, packRegions } from './layouts';

export interface KernelGeometry {
  readonly nx: number;
  readonly ny: number;
  readonly nz: number;
  /** Sites per cell (2 for honeycomb). */
  readonly basis: number;
  readonly nSites: number;
  /** Bit a set when axis a is periodic. */
  readonly periodicMask: number;
  /** Hop direction slots (model.directions). */
  readonly coordination: number;
  /** Packed slot words (layouts.ts directionWord), one per slot. */
  readonly directionWords: Uint32Array;
  /** Colour classes of the lattice kernel's pair schedule. */
  readonly colours: number;
  /**
   * True when the sites of colour c are the (x + y + z) mod 2 = c sites of an
   * even-nx one-site-per-cell lattice, found by arithmetic; else colourSites lists them.
   */
  readonly parityColours: boolean;
  /** Sites of each colour, colour by colour, and where colour c starts and how many it has. */
  readonly colourSites: Uint32Array;
  readonly colourStart: readonly number[];
  readonly colourCount: readonly number[];
  readonly nRegions: number;
  readonly siteRegion: Uint8Array;
  readonly regionWords: Uint32Array;
  /** The lattice itself, for the host-side neighbour look-ups. */
  readonly lattice: Lattice;
}

export function kernelGeometry(model: RateModel): KernelGeometry {
  const l = model.lattice;
  const [nx, ny, nz] = l.cells;
  let periodicMask = 0;
  l.periodic.forEach((p, a) => {
    if (p) periodicMask |= 1 << a;
  });
  const directionWords = new Uint32Array(l.directions);
  for (let d = 0; d < l.directions; d++) {
    directionWords[d] = directionWord(l.cellOffset.subarray(3 * d, 3 * d + 3), l.fromBasis[d], l.toBasis[d], l.unitStep.subarray(3 * d, 3 * d + 3));
  }
  const parityColours = l.basis === 1 && l.colours === 2 && nx % 2 === 0 && l.type !== 'triangular';
  const colourCount = new Array<number>(l.colours).fill(0);
  const colourStart = new Array<number>(l.colours).fill(0);
  let colourSites = new Uint32Array(0);
  if (parityColours) {
    colourCount.fill(l.nSites / 2);
  } else {
    const colour = new Uint8Array(l.nSites);
    for (let i = 0; i < l.nSites; i++) colourCount[(colour[i] = colourOf(l, i))]++;
    for (let c = 1; c < l.colours; c++) colourStart[c] = colourStart[c - 1] + colourCount[c - 1];
    colourSites = new Uint32Array(l.nSites);
    const fill = colourStart.slice();
    for (let i = 0; i < l.nSites; i++) colourSites[fill[colour[i]]++] = i;
  }
  return {
    nx, ny, nz,
    basis: l.basis,
    nSites: model.nSites,
    periodicMask,
    coordination: l.directions,
    directionWords,
    colours: l.colours,
    parityColours,
    colourSites,
    colourStart,
    colourCount,
    nRegions: model.nRegions,
    siteRegion: model.siteRegion,
    regionWords: packRegions(model.siteRegion),
    lattice: l,
  };
}

/** Tables-buffer pairs the geometry needs: one per direction slot, then the colour site lists. */
export function geometryTablePairs(g: KernelGeometry): number {
  return g.coordination + g.colourSites.length;
}

/** The geometry part of the tables buffer (written at direction_offset): direction words, then the colour site lists. */
export function geometryTable(g: KernelGeometry): Uint32Array {
  const out = new Uint32Array(2 * geometryTablePairs(g));
  for (let d = 0; d < g.coordination; d++) out[2 * d] = g.directionWords[d];
  for (let k = 0; k < g.colourSites.length; k++) out[2 * (g.coordination + k)] = g.colourSites[k];
  return out;
}

/** Neighbour of `site` along slot d, or −1 (a reflecting wall, or a slot of the other sublattice). */
export function stepSite(g: KernelGeometry, site: number, d: number): number {
  return neighbour(g.lattice, site, d);
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

/**
 * The kernels' step_from (shaders/kernel.wgsl), for the twins: where direction
 * word w leads from the site in cell `cell` (x, y, z) on sublattice b. Returns
 * the new site and writes its cell and sublattice into out = [x, y, z, b], or
 * returns −1 (a reflecting face, or a slot of the other sublattice).
 */
export function stepFrom(g: KernelGeometry, cell: ArrayLike<number>, b: number, w: number, out: Int32Array): number {
  const field = (shift: number) => ((w >>> shift) & 3) - 1;
  const from = field(6);
  if (from >= 0 && from !== b) return -1;
  const size = [g.nx, g.ny, g.nz];
  for (let a = 0; a < 3; a++) {
    let c = cell[a] + field(2 * a);
    if (c < 0 || c >= size[a]) {
      if (((g.periodicMask >> a) & 1) === 0) return -1;
      c = c < 0 ? c + size[a] : c - size[a];
    }
    out[a] = c;
  }
  const to = field(8);
  out[3] = to >= 0 ? to : b;
  return out[3] + g.basis * (out[0] + g.nx * (out[1] + g.ny * out[2]));
}

/** Displacement of direction word w in lattice units (the kernels' dir_unit). */
export function directionUnit(w: number): [number, number, number] {
  return [((w >>> 10) & 3) - 1, ((w >>> 12) & 3) - 1, ((w >>> 14) & 3) - 1];
}
