// Event channels: what can happen, as data. An event is one execution of a
// channel. Today every channel is a hop (an ion moves to a free neighbour along
// a direction slot), tabulated per species, origin region, target region and
// slot. A site channel (an ion appears at, leaves from or changes species on a
// site) is another kind: it adds a ChannelKind, its table here, and an executor
// in each engine that supports it; the selection machinery does not change
// (docs/architecture.md, "Adding an event kind").
import { vec3 } from 'gl-matrix';
import type { Lattice } from './lattice';
import type { ReservoirChannels } from './reservoir';

/** Every kind of channel the model can hold, in the order engines count events per kind. */
export const CHANNEL_KINDS = ['hop', 'reservoir', 'water-dissociation'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** Strides of the hop table: index = s·speciesStride + a·fromStride + b·toStride + d. */
export interface HopTableLayout {
  readonly speciesStride: number;
  readonly fromStride: number;
  readonly toStride: number;
  /** Entries in the table. */
  readonly length: number;
}

export interface HopChannels {
  readonly kind: 'hop';
  /** Base rate (Hz) without interactions; 0 where the species may not sit at either end. */
  readonly rate: Float64Array;
  readonly layout: HopTableLayout;
}

export interface ChannelCatalogue {
  /** Kinds present in this model (each has its table below). */
  readonly kinds: readonly ChannelKind[];
  readonly hop: HopChannels;
  /** Insertion/removal at faces open to the electrolyte (reservoir.ts); absent in a closed scene. */
  readonly reservoir?: ReservoirChannels;
}

export function hopTableLayout(nSpecies: number, nRegions: number, directions: number): HopTableLayout {
  const toStride = directions;
  const fromStride = nRegions * toStride;
  const speciesStride = nRegions * fromStride;
  return { speciesStride, fromStride, toStride, length: nSpecies * speciesStride };
}

export interface HopChannelInputs {
  lattice: Lattice;
  nSpecies: number;
  nRegions: number;
  allowed: Uint8Array;
  siteEnergy: Float64Array;
  /** saddle[((s·R + a)·R + b)·C + c], C = lattice.bondClasses. */
  saddle: Float64Array;
  charge: Int8Array;
  field: { axis: 0 | 1 | 2; strength: number } | null;
  nu: number;
  kT: number;
}

/** k = ν·exp(−(S_ab − E_a + field shift)/kT) for every (species, a, b, slot). */
export function hopChannels(m: HopChannelInputs): ChannelCatalogue {
  const { lattice, nSpecies: S, nRegions: R, allowed, siteEnergy, saddle, charge, field } = m;
  const Z = lattice.directions;
  const C = lattice.bondClasses;
  const layout = hopTableLayout(S, R, Z);
  const rate = new Float64Array(layout.length);
  const fieldVector: vec3 = [0, 0, 0];
  if (field) fieldVector[field.axis] = field.strength;
  for (let s = 0; s < S; s++)
    for (let a = 0; a < R; a++)
      for (let b = 0; b < R; b++) {
        if (!allowed[s * R + a] || !allowed[s * R + b]) continue;
        for (let d = 0; d < Z; d++) {
          const ea = saddle[((s * R + a) * R + b) * C + lattice.bondClass[d]] - siteEnergy[s * R + a];
          // −q·F·Δr/2: a positive ion hopping along the field gets a lower barrier.
          const fieldShift = -charge[s] * vec3.dot(fieldVector, lattice.directionVectors[d]) / 2;
          rate[s * layout.speciesStride + a * layout.fromStride + b * layout.toStride + d] = m.nu * Math.exp(-(ea + fieldShift) / m.kT);
        }
      }
  return { kinds: ['hop'], hop: { kind: 'hop', rate, layout } };
}
