// setModel may change rates, never the lattice the GPU buffers were built for.
import type { RateModel } from '../../model/rateModel';
import { EngineUnsupportedError, type EngineKind } from '../engine';

export function assertSameLattice(kind: EngineKind, old: RateModel, next: RateModel): void {
  const same =
    old.size.every((n, a) => n === next.size[a]) &&
    old.periodic.every((p, a) => p === next.periodic[a]) &&
    old.nRegions === next.nRegions &&
    old.siteRegion.every((r, i) => r === next.siteRegion[i]);
  if (!same) {
    throw new EngineUnsupportedError(kind, 'setModel needs the same lattice size, boundaries and regions; start a new run to change the geometry');
  }
}
