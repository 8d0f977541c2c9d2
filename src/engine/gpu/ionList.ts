// Ions of an occupancy array in site order: the tracer identity both GPU
// engines keep for the whole run.
import type { RateModel } from '../../model/rateModel';
import { EngineUnsupportedError, type EngineKind } from '../engine';
import { SITE_MASK, SPECIES_SLOTS } from '../../gpu/layouts';
import { LATTICE_TYPES } from '../../model/lattice';

/** Lattice types the kernels take: every type, through the direction table (geometry.ts). */
export const GPU_LATTICE_TYPES = LATTICE_TYPES;

export interface IonList {
  readonly site: Int32Array;
  readonly species: Uint8Array;
}

export function ionsOf(occupancy: Uint8Array): IonList {
  let n = 0;
  for (let i = 0; i < occupancy.length; i++) if (occupancy[i] !== 0) n++;
  const site = new Int32Array(n);
  const species = new Uint8Array(n);
  for (let i = 0, k = 0; i < occupancy.length; i++) {
    if (occupancy[i] === 0) continue;
    site[k] = i;
    species[k++] = occupancy[i] - 1;
  }
  return { site, species };
}

/** Lattice types and species counts the kernels take; checked before anything else about a scene. */
export function checkKernelModel(kind: EngineKind, model: RateModel): void {
  if (!(GPU_LATTICE_TYPES as readonly string[]).includes(model.lattice.type)) {
    throw new EngineUnsupportedError(kind, `the GPU kernels step along the axes of ${GPU_LATTICE_TYPES.join(', ')} lattices; a ${model.lattice.type} lattice runs on --engine cpu`);
  }
  if (model.nSpecies > SPECIES_SLOTS) {
    throw new EngineUnsupportedError(kind, `the scene declares ${model.nSpecies} species; the GPU kernels count at most ${SPECIES_SLOTS} (use --engine cpu, or declare fewer species)`);
  }
  if (model.channels.reservoir && kind !== 'gpu-lattice') {
    throw new EngineUnsupportedError(
      kind,
      `the scene opens reservoir faces to an electrolyte (${model.channels.reservoir.faceNames.join(', ')}); the walkers kernel does not insert or remove ions — use --engine gpu-lattice or --engine cpu`,
    );
  }
}

/** Limits shared by both kernels (28-bit site and ion indices, see src/gpu/layouts.ts). */
export function checkKernelLimits(kind: EngineKind, model: RateModel, ions: number): void {
  checkKernelModel(kind, model);
  if (model.nSites > SITE_MASK) {
    throw new EngineUnsupportedError(kind, `the lattice has ${model.nSites} sites; the GPU kernels address at most ${SITE_MASK} (reduce lattice.size)`);
  }
  if (ions >= SITE_MASK) {
    throw new EngineUnsupportedError(kind, `${ions} ions exceed the GPU kernels' limit of ${SITE_MASK - 1}`);
  }
}
