// setModel may change rates, never the lattice the GPU buffers were built for:
// the one rule of lattice.ts (sameLattice) plus the regions and species the
// uploaded region words and tables assume.
import type { RateModel } from '../../model/rateModel';
import { describeLattice, sameLattice } from '../../model/lattice';
import { EngineUnsupportedError, type EngineKind } from '../engine';
import { checkKernelModel } from './ionList';

export function assertSameLattice(kind: EngineKind, old: RateModel, next: RateModel): void {
  checkKernelModel(kind, next);
  if (!sameLattice(old.lattice, next.lattice)) {
    throw new EngineUnsupportedError(kind, `setModel needs the same lattice: running ${describeLattice(old.lattice)}, got ${describeLattice(next.lattice)}; start a new run to change the geometry`);
  }
  const sameRegions = old.nRegions === next.nRegions && old.siteRegion.every((r, i) => r === next.siteRegion[i]);
  const sameSpecies = old.speciesNames.length === next.speciesNames.length && old.speciesNames.every((n, s) => n === next.speciesNames[s]);
  if (!sameRegions || !sameSpecies) {
    throw new EngineUnsupportedError(kind, 'setModel needs the same regions and species; start a new run to change them');
  }
}
