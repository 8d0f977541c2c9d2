// Packed per-site data of the CPU engine, 2 bytes per site:
//   bits 0–1  occupant species + 1 (0 = empty)
//   bits 2–7  boundary faces: bit 2+d set when the site lies on the face crossed by direction d
//   bits 8–15 region index
// One load gives everything the rate of a hop needs from a site, and the
// neighbour of i along d is i + step[d], or i + wrapStep[d] on a face
// (periodic axis), or none (reflecting axis; the face bit is in wallMask).
import type { RateModel } from '../../model/rateModel';

export const OCC_MASK = 3;
export const FACE_SHIFT = 2;
export const REGION_SHIFT = 8;

export interface SiteGeometry {
  /** Index offset of a step along direction d inside the box. */
  step: Int32Array;
  /** Index offset of a step along d from a face site of a periodic axis. */
  wrapStep: Int32Array;
  /** Face bits (already shifted by FACE_SHIFT) of directions that end at a reflecting wall. */
  wallMask: number;
}

export function siteGeometry(model: RateModel): SiteGeometry {
  const [nx, ny, nz] = model.size;
  const strides = [1, nx, nx * ny];
  const lengths = [nx, ny, nz];
  const Z = model.coordination;
  const step = new Int32Array(Z);
  const wrapStep = new Int32Array(Z);
  let wallMask = 0;
  for (let d = 0; d < Z; d++) {
    const axis = d >> 1;
    const plus = (d & 1) === 0;
    step[d] = plus ? strides[axis] : -strides[axis];
    wrapStep[d] = plus ? -(lengths[axis] - 1) * strides[axis] : (lengths[axis] - 1) * strides[axis];
    if (!model.periodic[axis]) wallMask |= 1 << (FACE_SHIFT + d);
  }
  return { step, wrapStep, wallMask };
}

/** Builds the packed table from the model and an occupancy (species + 1 per site). */
export function buildSiteTable(model: RateModel, occupancy: Uint8Array, out?: Uint16Array): Uint16Array {
  const [nx, ny, nz] = model.size;
  const Z = model.coordination;
  const table = out ?? new Uint16Array(model.nSites);
  const region = model.siteRegion;
  let i = 0;
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++) {
        let faces = 0;
        if (x === nx - 1) faces |= 1 << 0;
        if (x === 0) faces |= 1 << 1;
        if (y === ny - 1) faces |= 1 << 2;
        if (y === 0) faces |= 1 << 3;
        if (Z === 6) {
          if (z === nz - 1) faces |= 1 << 4;
          if (z === 0) faces |= 1 << 5;
        }
        table[i] = (occupancy[i] & OCC_MASK) | (faces << FACE_SHIFT) | (region[i] << REGION_SHIFT);
      }
  return table;
}
