// The lattice as data: every consumer (rate model, CPU site tables, GPU
// geometry, recorder, worker session, view) reads geometry from here instead
// of restating square/cubic arithmetic.
//
// Sites live in cells on an nx×ny×nz grid; a cell holds `basis` sites (2 for
// honeycomb, else 1). Site index i = b + basis·(x + nx·(y + ny·z)).
// A hop goes along a direction slot d. Every slot has a fixed cell offset, a
// fixed displacement in lattice units and its opposite; on the honeycomb a slot
// starts only from one sublattice (even slots from A, odd from B), so it has 6
// slots for 3 neighbours per site. Hop tables are indexed by slot.
// Displacements are integers in lattice units (3 per ion); `metric` maps them
// to Å, so square/cubic/layered keep one unit per axis and the honeycomb counts
// hops along each of its three bond vectors.
import type { vec3 } from 'gl-matrix';

export const LATTICE_TYPES = ['square', 'cubic', 'triangular', 'honeycomb', 'layered'] as const;
export type LatticeType = (typeof LATTICE_TYPES)[number];

/** Dimension of each lattice type. */
export const LATTICE_DIM: Record<LatticeType, 2 | 3> = { square: 2, cubic: 3, triangular: 2, honeycomb: 2, layered: 3 };

export interface LatticeSpec {
  type: LatticeType;
  /** Cells per axis (2 or 3 entries). */
  size: readonly number[];
  /** Nearest-neighbour distance, Å (in-plane for layered). */
  spacing: number;
  /** Layered only: distance between layers (z), Å; default = spacing. */
  interlayerSpacing?: number;
  /** Per axis, true = periodic, false = reflecting. */
  periodic: readonly boolean[];
}

export interface Lattice {
  readonly type: LatticeType;
  readonly dim: 2 | 3;
  /** Cells per axis; cells[2] = 1 in 2D. */
  readonly cells: readonly [number, number, number];
  /** Sites per cell. */
  readonly basis: number;
  readonly nSites: number;
  readonly periodic: readonly [boolean, boolean, boolean];
  /** Nearest-neighbour distance, Å (in-plane for layered). */
  readonly spacing: number;
  /** Neighbours of a site. */
  readonly coordination: number;
  /** Direction slots: the width of every per-direction table (≥ coordination). */
  readonly directions: number;
  /** Cell offset of slot d at [3d..3d+2]. */
  readonly cellOffset: Int8Array;
  /** Sublattice a hop along slot d starts from (−1: any) and the one it lands on. */
  readonly fromBasis: Int8Array;
  readonly toBasis: Int8Array;
  /** The slot pointing back. */
  readonly opposite: Int8Array;
  /** Displacement of slot d in lattice units at [3d..3d+2]. */
  readonly unitStep: Int8Array;
  /** Lattice units → Å, row-major 3×3: r_Å[a] = Σ_c metric[3a + c]·n[c]. */
  readonly metric: Float64Array;
  /** True when metric is diagonal (one lattice unit per Cartesian axis). */
  readonly diagonalMetric: boolean;
  /** Displacement of each slot in Å (plain arrays: gl-matrix's Float32 is too coarse for rates). */
  readonly directionVectors: readonly vec3[];
  /** Bond class of slot d (layered: 0 in-plane, 1 between layers; else 0) and how many there are. */
  readonly bondClass: Uint8Array;
  readonly bondClasses: number;
  /** Colour classes: no two neighbours share one (GPU pair schedule). */
  readonly colours: number;
  /** Distance between successive layers (cells) along each axis, Å: positions of profile bins. */
  readonly layerSpacing: readonly [number, number, number];
  /** Volume per site, Å³ (2D lattices: area per site × one layer of thickness a). */
  readonly siteVolume: number;
}

/** Builds the lattice; throws an Error naming the field for impossible specs (the scene validator catches these first). */
export function buildLattice(spec: LatticeSpec): Lattice {
  const dim = LATTICE_DIM[spec.type];
  if (spec.size.length !== dim) throw new Error(`lattice.size: a ${spec.type} lattice needs ${dim} sizes (got ${spec.size.length})`);
  const cells: [number, number, number] = [spec.size[0], spec.size[1], dim === 3 ? spec.size[2] : 1];
  const periodic: [boolean, boolean, boolean] = [spec.periodic[0], spec.periodic[1], dim === 3 ? spec.periodic[2] : false];
  const a = spec.spacing;
  const geometry = DIRECTION_SETS[spec.type](a, spec.interlayerSpacing ?? a);
  const D = geometry.offsets.length;
  const cellOffset = new Int8Array(3 * D);
  const unitStep = new Int8Array(3 * D);
  const fromBasis = new Int8Array(D);
  const toBasis = new Int8Array(D);
  const opposite = new Int8Array(D);
  const bondClass = new Uint8Array(D);
  geometry.offsets.forEach((o, d) => {
    cellOffset.set(o.cell, 3 * d);
    unitStep.set(o.unit, 3 * d);
    fromBasis[d] = o.from;
    toBasis[d] = o.to;
    bondClass[d] = o.bondClass ?? 0;
    opposite[d] = d ^ 1;
  });
  const metric = Float64Array.from(geometry.metric);
  const diagonalMetric = [1, 2, 3, 5, 6, 7].every((k) => metric[k] === 0);
  const directionVectors: vec3[] = [];
  for (let d = 0; d < D; d++) directionVectors.push(toAngstrom(metric, unitStep[3 * d], unitStep[3 * d + 1], unitStep[3 * d + 2]));
  return {
    type: spec.type,
    dim,
    cells,
    basis: geometry.basis,
    nSites: cells[0] * cells[1] * cells[2] * geometry.basis,
    periodic,
    spacing: a,
    coordination: geometry.coordination,
    directions: D,
    cellOffset,
    fromBasis,
    toBasis,
    opposite,
    unitStep,
    metric,
    diagonalMetric,
    directionVectors,
    bondClass,
    bondClasses: Math.max(...bondClass) + 1,
    colours: geometry.colours,
    layerSpacing: geometry.layerSpacing,
    siteVolume: geometry.siteVolume,
  };
}

/** Lattice units → Å (diagonal metrics multiply one term, so square/cubic keep today's exact products). */
export function toAngstrom(metric: Float64Array, n0: number, n1: number, n2: number): vec3 {
  return [
    metric[0] * n0 + metric[1] * n1 + metric[2] * n2,
    metric[3] * n0 + metric[4] * n1 + metric[5] * n2,
    metric[6] * n0 + metric[7] * n1 + metric[8] * n2,
  ];
}

interface DirectionSet {
  basis: number;
  coordination: number;
  colours: number;
  metric: number[];
  layerSpacing: [number, number, number];
  siteVolume: number;
  offsets: { cell: [number, number, number]; unit: [number, number, number]; from: number; to: number; bondClass?: number }[];
}

/** ±unit vector along each axis: slot 2a is +a, 2a+1 is −a. */
function axisSteps(dim: number): DirectionSet['offsets'] {
  const out: DirectionSet['offsets'] = [];
  for (let axis = 0; axis < dim; axis++)
    for (const sign of [1, -1]) {
      const v: [number, number, number] = [0, 0, 0];
      v[axis] = sign;
      out.push({ cell: v, unit: [...v] as [number, number, number], from: -1, to: -1, bondClass: axis === 2 ? 1 : 0 });
    }
  return out;
}

const SQRT3 = Math.sqrt(3);

const DIRECTION_SETS: Record<LatticeType, (a: number, c: number) => DirectionSet> = {
  square: (a) => ({ basis: 1, coordination: 4, colours: 2, metric: [a, 0, 0, 0, a, 0, 0, 0, a], layerSpacing: [a, a, a], siteVolume: a ** 3, offsets: axisSteps(2) }),
  cubic: (a) => ({ basis: 1, coordination: 6, colours: 2, metric: [a, 0, 0, 0, a, 0, 0, 0, a], layerSpacing: [a, a, a], siteVolume: a ** 3, offsets: axisSteps(3).map((o) => ({ ...o, bondClass: 0 })) }),
  layered: (a, c) => ({ basis: 1, coordination: 6, colours: 2, metric: [a, 0, 0, 0, a, 0, 0, 0, c], layerSpacing: [a, a, c], siteVolume: a * a * c, offsets: axisSteps(3) }),
  // Cell vectors a1 = (a, 0), a2 = (a/2, a√3/2); lattice units are (n1, n2).
  triangular: (a) => ({
    basis: 1,
    coordination: 6,
    colours: 3,
    metric: [a, a / 2, 0, 0, (a * SQRT3) / 2, 0, 0, 0, 0],
    layerSpacing: [a, (a * SQRT3) / 2, 0],
    siteVolume: ((SQRT3 / 2) * a * a) * a,
    offsets: [
      ...axisSteps(2),
      { cell: [-1, 1, 0], unit: [-1, 1, 0], from: -1, to: -1 },
      { cell: [1, -1, 0], unit: [1, -1, 0], from: -1, to: -1 },
    ],
  }),
  // Bond length a; Bravais vectors A1 = (√3a, 0), A2 = (√3a/2, 3a/2); A at 0, B at (A1 + A2)/3.
  // Bond vectors from A: δ1 = (A1+A2)/3 (same cell), δ2 = δ1 − A1, δ3 = δ1 − A2.
  // Lattice units count hops along each bond (A→B +1, B→A −1), metric columns δ1, δ2, δ3.
  honeycomb: (a) => {
    const d1 = [(SQRT3 * a) / 2, a / 2];
    const d2 = [-(SQRT3 * a) / 2, a / 2];
    const d3 = [0, -a];
    return {
      basis: 2,
      coordination: 3,
      colours: 2,
      metric: [d1[0], d2[0], d3[0], d1[1], d2[1], d3[1], 0, 0, 0],
      layerSpacing: [SQRT3 * a, 1.5 * a, 0],
      // Cell area |A1 × A2| = (3√3/2)·a², two sites per cell.
      siteVolume: ((3 * SQRT3) / 4) * a * a * a,
      offsets: [
        { cell: [0, 0, 0], unit: [1, 0, 0], from: 0, to: 1 },
        { cell: [0, 0, 0], unit: [-1, 0, 0], from: 1, to: 0 },
        { cell: [-1, 0, 0], unit: [0, 1, 0], from: 0, to: 1 },
        { cell: [1, 0, 0], unit: [0, -1, 0], from: 1, to: 0 },
        { cell: [0, -1, 0], unit: [0, 0, 1], from: 0, to: 1 },
        { cell: [0, 1, 0], unit: [0, 0, -1], from: 1, to: 0 },
      ],
    };
  },
};

/** Site index of sublattice b in cell (x, y, z). */
export function siteIndex(l: Lattice, x: number, y: number, z: number, b = 0): number {
  return b + l.basis * (x + l.cells[0] * (y + l.cells[1] * z));
}

/** Cell coordinates and sublattice of site i, written into out = [x, y, z, b]. */
export function siteCoordinates(l: Lattice, i: number, out: Int32Array | number[] = new Int32Array(4)): Int32Array | number[] {
  const b = i % l.basis;
  const cell = (i - b) / l.basis;
  const [nx, ny] = l.cells;
  out[0] = cell % nx;
  out[1] = Math.floor(cell / nx) % ny;
  out[2] = Math.floor(cell / (nx * ny));
  out[3] = b;
  return out;
}

/** Cell coordinate of site i along axis (0, 1, 2): its layer for profiles. */
export function layerIndex(l: Lattice, i: number, axis: number): number {
  const cell = Math.floor(i / l.basis);
  const [nx, ny] = l.cells;
  return axis === 0 ? cell % nx : axis === 1 ? Math.floor(cell / nx) % ny : Math.floor(cell / (nx * ny));
}

/** Layers along an axis (profiles): cells along it. */
export function layerCount(l: Lattice, axis: number): number {
  return l.cells[axis];
}

const scratch = new Int32Array(4);

/** Neighbour of site i along slot d, or −1 (reflecting face, or a slot that does not start from i's sublattice). */
export function neighbour(l: Lattice, i: number, d: number): number {
  siteCoordinates(l, i, scratch);
  const from = l.fromBasis[d];
  if (from >= 0 && from !== scratch[3]) return -1;
  let cell = 0;
  let stride = 1;
  for (let axis = 0; axis < 3; axis++) {
    const n = l.cells[axis];
    let c = scratch[axis] + l.cellOffset[3 * d + axis];
    if (c < 0 || c >= n) {
      if (!l.periodic[axis]) return -1;
      c = (c + n) % n;
    }
    cell += c * stride;
    stride *= n;
  }
  const to = l.toBasis[d];
  return (to >= 0 ? to : scratch[3]) + l.basis * cell;
}

/** Index offset of slot d for sites whose neighbours need no wrap (the fast path of the CPU engine). */
export function interiorSteps(l: Lattice): Int32Array {
  const out = new Int32Array(l.directions);
  const strides = [l.basis, l.basis * l.cells[0], l.basis * l.cells[0] * l.cells[1]];
  for (let d = 0; d < l.directions; d++) {
    let s = 0;
    for (let axis = 0; axis < 3; axis++) s += l.cellOffset[3 * d + axis] * strides[axis];
    const from = l.fromBasis[d];
    if (from >= 0) s += l.toBasis[d] - from;
    out[d] = s;
  }
  return out;
}

/**
 * True when site i may not use interiorSteps: some slot wraps or meets a wall,
 * or the lattice has sublattice-bound slots (every honeycomb site).
 */
export function needsCoordinatePath(l: Lattice, i: number): boolean {
  if (l.basis > 1) return true;
  siteCoordinates(l, i, scratch);
  for (let d = 0; d < l.directions; d++)
    for (let axis = 0; axis < 3; axis++) {
      const c = scratch[axis] + l.cellOffset[3 * d + axis];
      if (c < 0 || c >= l.cells[axis]) return true;
    }
  return false;
}

/**
 * Colour class of site i. square/cubic/layered: (x + y + z) mod 2; triangular:
 * (x + 2y) mod 3; honeycomb: the sublattice. Proper (no two neighbours share a
 * class) when colouringIsProper says so.
 */
export function colourOf(l: Lattice, i: number): number {
  siteCoordinates(l, i, scratch);
  if (l.type === 'honeycomb') return scratch[3];
  if (l.type === 'triangular') return (scratch[0] + 2 * scratch[1]) % 3;
  return (scratch[0] + scratch[1] + scratch[2]) & 1;
}

/**
 * Why the colouring is not proper on this lattice, or null. A periodic axis
 * must hold a multiple of the colour count's period (2, or 3 on triangular),
 * else a wrap-around bond joins two sites of one class.
 */
export function colouringProblem(l: Lattice): string | null {
  if (l.type === 'honeycomb') return null;
  const period = l.type === 'triangular' ? 3 : 2;
  for (let axis = 0; axis < l.dim; axis++) {
    if (l.periodic[axis] && l.cells[axis] % period !== 0) {
      return `a periodic ${'xyz'[axis]} axis of a ${l.type} lattice needs a multiple of ${period} cells for its ${l.colours} colour classes (got ${l.cells[axis]})`;
    }
  }
  return null;
}

/** Same geometry (type, cells, boundaries, metric): the one rule setModel uses. */
export function sameLattice(p: Lattice, q: Lattice): boolean {
  return (
    p.type === q.type &&
    p.cells.every((v, a) => v === q.cells[a]) &&
    p.periodic.every((v, a) => v === q.periodic[a]) &&
    p.metric.every((v, k) => v === q.metric[k])
  );
}

export function describeLattice(l: Lattice): string {
  const size = l.cells.slice(0, l.dim).join('×');
  const bc = l.periodic.slice(0, l.dim).map((p) => (p ? 'periodic' : 'reflecting')).join('/');
  return `${l.type} ${size}${l.basis > 1 ? ` cells of ${l.basis} sites` : ''} (${bc})`;
}
