// The one TypeScript mirror of the buffer layouts and word packing both
// kernels share (shaders/kernel.wgsl); each kernel's params struct is mirrored
// in its own folder (src/gpu/walkers/layout.ts, src/gpu/lattice/layout.ts).
// Field order there = field order in WGSL; every field is a u32. Change both together.

/** Uniform entries are bound with dynamic offsets; WebGPU's minimum alignment. */
export const PARAM_STRIDE_BYTES = 256;
export const WORKGROUP_SIZE = 256;
/** Most workgroups per dispatch dimension (WebGPU default limit). */
export const MAX_GROUPS_PER_DIM = 65535;

/** Writes one params struct at entry k of a dynamic-offset uniform array. */
export function writeParams<K extends string>(fields: readonly K[], out: Uint32Array, k: number, values: Record<K, number>): void {
  const base = (k * PARAM_STRIDE_BYTES) / 4;
  fields.forEach((f, i) => {
    out[base + i] = values[f] >>> 0;
  });
}

/** Species slots reserved at the start of the counters buffer (const SPECIES_SLOTS in WGSL). */
export const SPECIES_SLOTS = 4;

/**
 * Counters buffer (array<atomic<u32>>), every counter 64-bit as (lo, hi):
 * hops per species at 2·s, crossings from region a into b at 2·(SPECIES_SLOTS + a·R + b).
 */
export function eventCounterIndex(species: number): number {
  return 2 * species;
}
export function crossingCounterIndex(nRegions: number, a: number, b: number): number {
  return 2 * (SPECIES_SLOTS + a * nRegions + b);
}
/**
 * Lattice kernel with reservoir faces: after the crossings, insertions of species s
 * at face f at 2·(SPECIES_SLOTS + R² + 2·(f·SPECIES_SLOTS + s)), the removals one pair later.
 */
export function reservoirCounterIndex(nRegions: number, face: number, species: number, removal: boolean): number {
  return 2 * (SPECIES_SLOTS + nRegions * nRegions + 2 * (face * SPECIES_SLOTS + species) + (removal ? 1 : 0));
}
/** Lattice kernel with water dissociation: dissociations, then recombinations, after the reservoir counters of F faces. */
export function reactionCounterIndex(nRegions: number, nFaces: number, recombination: boolean): number {
  return 2 * (SPECIES_SLOTS + nRegions * nRegions + 2 * nFaces * SPECIES_SLOTS + (recombination ? 1 : 0));
}
/** Counter words of one kernel run with R regions, F reservoir faces and the reaction counters (lattice kernel; none elsewhere). */
export function counterWords(nRegions: number, nFaces = 0, reaction = false): number {
  return 2 * (SPECIES_SLOTS + nRegions * nRegions + 2 * nFaces * SPECIES_SLOTS + (reaction ? 2 : 0));
}

/** What a lattice sub-step updates (params field move_kind): hop pairs, reaction pairs, or the face sites' ghost pairs. */
export const MOVE_HOP = 0;
export const MOVE_REACTION = 1;
export const MOVE_RESERVOIR = 2;
/** Where group g's counters start in a grouped walkers run (shaders/walkers.wgsl): groups lie back to back. */
export function groupCounterBase(nRegions: number, group: number): number {
  return group * counterWords(nRegions);
}
/** 64-bit counter (lo, hi) as a float64 (exact below 2^53). */
export function readCounter(words: Uint32Array, index: number): number {
  return words[index + 1] * 4294967296 + words[index];
}

/** Walker word: site index in bits 0–27, species from bit 28 (SPECIES_SHIFT) up. */
export const SITE_BITS = 28;
export const SITE_MASK = (1 << SITE_BITS) - 1;
/** Where the species sits in a walker or lattice word. */
export const SPECIES_SHIFT = SITE_BITS;

/** Walker or lattice word of species s over a site index or ion number + 1. */
export function packIonWord(low: number, species: number): number {
  return (low | (species << SPECIES_SHIFT)) >>> 0;
}
export function speciesOfWord(word: number): number {
  return word >>> SPECIES_SHIFT;
}

/**
 * The WGSL constants both kernels use, generated from this mirror (src/gpu/shaders.ts
 * prepends them), so the packing lives in one place.
 */
export function wgslLayoutConstants(): string {
  return [
    `const SPECIES_SHIFT = ${SPECIES_SHIFT}u;`,
    `const SITE_MASK = ${SITE_MASK >>> 0}u;`,
    `const SPECIES_SLOTS = ${SPECIES_SLOTS}u;`,
    `const NO_SITE = 0xffffffffu;`,
    `const PARITY_COLOURS = ${PARITY_COLOURS >>> 0}u;`,
    `const UNTRACKED_ION = ${UNTRACKED_ION >>> 0}u;`,
    `const MOVE_HOP = ${MOVE_HOP}u;`,
    `const MOVE_REACTION = ${MOVE_REACTION}u;`,
    `const MOVE_RESERVOIR = ${MOVE_RESERVOIR}u;`,
  ].join('\n');
}
/** Lattice occupancy word: 0 empty, else (ion + 1) in bits 0–27 and species in bits 28–29. */
export const ION_MASK = SITE_MASK;
/**
 * The ion field of a lattice word for an ion the kernel inserted at a reservoir
 * face: it has no tracer slot (no displacement is kept). Ion numbers stay below
 * it (checkKernelLimits).
 */
export const UNTRACKED_ION = SITE_MASK;

/** Site regions packed four u8 per u32 (little end first), as region_of() reads them. */
export function packRegions(siteRegion: Uint8Array): Uint32Array {
  const out = new Uint32Array(Math.ceil(siteRegion.length / 4) || 1);
  for (let i = 0; i < siteRegion.length; i++) out[i >> 2] |= siteRegion[i] << ((i & 3) * 8);
  return out;
}

/** Workgroup grid for n threads: (x, y) groups and threads per grid row. */
export function dispatchGrid(threads: number): { groupsX: number; groupsY: number; rowThreads: number } {
  const groups = Math.max(1, Math.ceil(threads / WORKGROUP_SIZE));
  const groupsX = Math.min(groups, MAX_GROUPS_PER_DIM);
  const groupsY = Math.ceil(groups / groupsX);
  return { groupsX, groupsY, rowThreads: groupsX * WORKGROUP_SIZE };
}

/**
 * One u32 per direction slot of the lattice (lattice.ts), read by both kernels
 * at direction_offset in the tables buffer (the .x of a pair): each field is
 * stored +1 in two bits — cell offset x, y, z (bits 0–5), the sublattice the
 * slot starts from (bits 6–7, 0 = any), the one it lands on (bits 8–9, 0 = the
 * same), the displacement in lattice units x, y, z (bits 10–15).
 */
export function directionWord(cell: ArrayLike<number>, from: number, to: number, unit: ArrayLike<number>): number {
  const f = (v: number) => (v + 1) & 3;
  return (f(cell[0]) | (f(cell[1]) << 2) | (f(cell[2]) << 4) | (f(from) << 6) | (f(to) << 8) | (f(unit[0]) << 10) | (f(unit[1]) << 12) | (f(unit[2]) << 14)) >>> 0;
}

/** colour_base of a lattice dispatch when sites of a colour follow from (x + y + z) mod 2 arithmetic, not a site list. */
export const PARITY_COLOURS = 0xffffffff;

/**
 * Pair index of the hop threshold of species s from region a to region b along
 * slot d (R regions, Z slots) after `offset`: the layout of RateModel.hopRate
 * (channels.ts hopTableLayout), which the kernels index the same way.
 */
export function hopThresholdIndex(offset: number, R: number, Z: number, s: number, a: number, b: number, d: number): number {
  return offset + ((s * R + a) * R + b) * Z + d;
}
