// One plane of a 3D lattice as a 2D picture: the slice view draws it with the
// same shader as a 2D lattice. Sites are addressed through siteIndex, so the
// view never assumes more about the layout than this one function.

export type Axis = 0 | 1 | 2;

/** Site index of lattice coordinates (x fastest, then y, then z). */
export function siteIndex(size: readonly [number, number, number], x: number, y: number, z: number): number {
  return x + size[0] * (y + size[1] * z);
}

/** The two in-plane axes of a slice normal to `axis`, as (u, v): z → (x, y), y → (x, z), x → (y, z). */
export function sliceAxes(axis: Axis): [Axis, Axis] {
  return axis === 2 ? [0, 1] : axis === 1 ? [0, 2] : [1, 2];
}

/** Width and height of a slice normal to `axis`. */
export function sliceSize(size: readonly [number, number, number], axis: Axis): [number, number] {
  const [u, v] = sliceAxes(axis);
  return [size[u], size[v]];
}

/** Copies the values of layer `index` along `axis` into `out` (row-major u fastest). */
export function extractSlice<T extends Uint8Array | Float32Array>(size: readonly [number, number, number], data: T, axis: Axis, index: number, out: T): T {
  const [u, v] = sliceAxes(axis);
  const c = [0, 0, 0];
  c[axis] = index;
  let k = 0;
  for (let b = 0; b < size[v]; b++) {
    c[v] = b;
    for (let a = 0; a < size[u]; a++) {
      c[u] = a;
      out[k++] = data[siteIndex(size, c[0], c[1], c[2])];
    }
  }
  return out;
}
