// Per-site lattice data of the CPU engine, one bit per site in each of two
// Int32Array bitsets (site i is bit i & 31 of word i >> 5):
//   occupied  the site holds an ion (the species lives in the site's rate record)
//   face      the site lies on a face of the box (its neighbours need the wrap/wall check)
// The rate of a hop needs only the target's occupied bit: the bitset of a
// 10^6-site lattice is 125 kB and stays in the core's L2 cache, which is what
// keeps the neighbour checks of the hot loop cheap. Only face sites (0.4 % of
// 1000×1000, 6 % of 100³) take the slower coordinate path in faceNeighbour.
import type { RateModel } from '../../model/rateModel';

/** Words of a bitset over n sites. */
export function bitsetWords(n: number): number {
  return (n + 31) >>> 5;
}

export function testBit(bits: Int32Array, i: number): boolean {
  return ((bits[i >> 5] >>> (i & 31)) & 1) !== 0;
}

export class LatticeSteps {
  /** Index offset of a step along direction d away from faces. */
  readonly step: Int32Array;
  private readonly nx: number;
  private readonly ny: number;
  private readonly nz: number;
  private readonly nxy: number;
  private readonly periodic: readonly boolean[];

  constructor(model: RateModel) {
    [this.nx, this.ny, this.nz] = model.size;
    this.nxy = this.nx * this.ny;
    this.periodic = model.periodic;
    const strides = [1, this.nx, this.nxy];
    this.step = new Int32Array(model.coordination);
    for (let d = 0; d < model.coordination; d++) this.step[d] = (d & 1) === 0 ? strides[d >> 1] : -strides[d >> 1];
  }

  /** 1 when site i lies on a face of the box (any axis of the lattice). */
  isFace(i: number, dim: number): boolean {
    const x = i % this.nx;
    const y = Math.floor(i / this.nx) % this.ny;
    if (x === 0 || x === this.nx - 1 || y === 0 || y === this.ny - 1) return true;
    if (dim === 3) {
      const z = Math.floor(i / this.nxy);
      return z === 0 || z === this.nz - 1;
    }
    return false;
  }

  /** Neighbour of a face site i along d, −1 through a reflecting wall (same result as rateModel.neighbour). */
  faceNeighbour(i: number, d: number): number {
    const axis = d >> 1;
    let c: number;
    let n: number;
    let stride: number;
    if (axis === 0) {
      c = i % this.nx;
      n = this.nx;
      stride = 1;
    } else if (axis === 1) {
      c = ((i / this.nx) | 0) % this.ny;
      n = this.ny;
      stride = this.nx;
    } else {
      c = (i / this.nxy) | 0;
      n = this.nz;
      stride = this.nxy;
    }
    if ((d & 1) === 0) {
      if (c < n - 1) return i + stride;
      return this.periodic[axis] ? i - (n - 1) * stride : -1;
    }
    if (c > 0) return i - stride;
    return this.periodic[axis] ? i + (n - 1) * stride : -1;
  }
}

/** Occupied and face bitsets for an occupancy (species + 1 per site). */
export function buildBitsets(model: RateModel, occupancy: Uint8Array, steps: LatticeSteps): { occupied: Int32Array; face: Int32Array } {
  const occupied = new Int32Array(bitsetWords(model.nSites));
  const face = new Int32Array(bitsetWords(model.nSites));
  for (let i = 0; i < model.nSites; i++) {
    if (occupancy[i] !== 0) occupied[i >> 5] |= 1 << (i & 31);
    if (steps.isFace(i, model.dim)) face[i >> 5] |= 1 << (i & 31);
  }
  return { occupied, face };
}
