// Per-site lattice data of the CPU engine, one bit per site in each of two
// Int32Array bitsets (site i is bit i & 31 of word i >> 5):
//   occupied  the site holds an ion (the species lives in the site's rate record)
//   face      the site needs the coordinate path for its neighbours (a face of the box,
//             or every site of a lattice whose slots depend on the sublattice)
// The rate of a hop needs only the target's occupied bit: the bitset of a
// 10^6-site lattice is 125 kB and stays in the core's L2 cache, which is what
// keeps the neighbour checks of the hot loop cheap. Only face sites (0.4 % of
// 1000×1000, 6 % of 100³) take the slower coordinate path in faceNeighbour.
// Geometry comes from src/model/lattice.ts; this file only caches it for the hot loop.
import type { RateModel } from '../../model/rateModel';
import { interiorSteps, needsCoordinatePath, neighbour, type Lattice } from '../../model/lattice';

/** Words of a bitset over n sites. */
export function bitsetWords(n: number): number {
  return (n + 31) >>> 5;
}

export function testBit(bits: Int32Array, i: number): boolean {
  return ((bits[i >> 5] >>> (i & 31)) & 1) !== 0;
}

export class LatticeSteps {
  /** Index offset of a step along slot d away from faces. */
  readonly step: Int32Array;
  /**
   * Slot d moves one lattice unit along component unitAxis[d] by unitSign[d]
   * (true of every slot of square, cubic, layered and honeycomb lattices), or
   * unitAxis[d] = −1 when its step has several components (triangular's
   * diagonal slots): then unitStep holds the full step.
   */
  readonly unitAxis: Int8Array;
  readonly unitSign: Int8Array;
  readonly unitStep: Int8Array;
  private readonly lattice: Lattice;
  /** All slots run along one axis each, one cell per step (square, cubic, layered): the closed-form faceNeighbour applies. */
  private readonly axisAligned: boolean;
  private readonly nx: number;
  private readonly ny: number;
  private readonly nz: number;
  private readonly nxy: number;
  private readonly periodic: readonly boolean[];

  constructor(model: RateModel) {
    const l = model.lattice;
    this.lattice = l;
    [this.nx, this.ny, this.nz] = l.cells;
    this.nxy = this.nx * this.ny;
    this.periodic = l.periodic;
    this.step = interiorSteps(l);
    this.unitStep = l.unitStep;
    this.unitAxis = new Int8Array(l.directions);
    this.unitSign = new Int8Array(l.directions);
    let axisAligned = l.basis === 1;
    for (let d = 0; d < l.directions; d++) {
      const nonZero = [0, 1, 2].filter((c) => l.unitStep[3 * d + c] !== 0);
      const single = nonZero.length === 1 && Math.abs(l.unitStep[3 * d + nonZero[0]]) === 1;
      this.unitAxis[d] = single ? nonZero[0] : -1;
      this.unitSign[d] = single ? l.unitStep[3 * d + nonZero[0]] : 0;
      const cellSteps = [0, 1, 2].filter((c) => l.cellOffset[3 * d + c] !== 0);
      if (!(cellSteps.length === 1 && l.cellOffset[3 * d + cellSteps[0]] === (d & 1 ? -1 : 1) && cellSteps[0] === d >> 1)) axisAligned = false;
    }
    this.axisAligned = axisAligned;
  }

  /** True when every slot moves one unit along one component (the journal's one-add path). */
  get singleComponentSteps(): boolean {
    return this.unitAxis.every((a) => a >= 0);
  }

  /** True when site i must take faceNeighbour instead of i + step[d]. */
  isFace(i: number): boolean {
    return needsCoordinatePath(this.lattice, i);
  }

  /** Neighbour of a face site i along d, −1 through a reflecting wall (same result as lattice.neighbour). */
  faceNeighbour(i: number, d: number): number {
    if (!this.axisAligned) return neighbour(this.lattice, i, d);
    // Slot d of an axis-aligned lattice: axis d >> 1, + for even d (lattice.ts axisSteps); checked in the constructor.
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
    if (steps.isFace(i)) face[i >> 5] |= 1 << (i & 31);
  }
  return { occupied, face };
}
