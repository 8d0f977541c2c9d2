// Where the 2D view draws each site: the lattice's true geometry in units of
// the nearest-neighbour distance. The view's textures stay a grid of gx × gy
// cells (gx = b + basis·x: a honeycomb cell's two sites side by side); this
// module maps a grid cell to its position on screen and a point on screen back
// to the nearest site. No DOM and no three.js, so it is unit-tested directly.
export type PlaneKind = 'grid' | 'triangular' | 'honeycomb';

/** Shader code per kind (planeShader.ts LATTICE_KIND). */
export const PLANE_KIND_CODE: Record<PlaneKind, number> = { grid: 0, triangular: 1, honeycomb: 2 };

const SQRT3 = Math.sqrt(3);

export interface PlaneGeometry {
  kind: PlaneKind;
  /** Grid cells per axis (gx, gy). */
  grid: [number, number];
  /** Bounding box of the site centres, world units. */
  min: [number, number];
  max: [number, number];
}

export function planeGeometry(kind: PlaneKind, gridX: number, gridY: number): PlaneGeometry {
  const g: PlaneGeometry = { kind, grid: [gridX, gridY], min: [Infinity, Infinity], max: [-Infinity, -Infinity] };
  // The extreme sites lie on the grid's corners and edges; scanning the border rows and columns is enough.
  const visit = (gx: number, gy: number) => {
    const [x, y] = sitePosition(g, gx, gy);
    g.min = [Math.min(g.min[0], x), Math.min(g.min[1], y)];
    g.max = [Math.max(g.max[0], x), Math.max(g.max[1], y)];
  };
  for (let gx = 0; gx < gridX; gx++) for (const gy of [0, gridY - 1]) visit(gx, gy);
  for (let gy = 0; gy < gridY; gy++) for (const gx of [0, 1, gridX - 2, gridX - 1]) if (gx >= 0 && gx < gridX) visit(gx, gy);
  return g;
}

/** Centre of grid cell (gx, gy), world units (any integers: unwrapped paths leave the lattice). */
export function sitePosition(g: PlaneGeometry, gx: number, gy: number): [number, number] {
  if (g.kind === 'triangular') return [gx + gy / 2, (gy * SQRT3) / 2];
  if (g.kind === 'honeycomb') {
    // Bravais vectors A1 = (√3, 0), A2 = (√3/2, 3/2); sublattice B sits at (√3/2, 1/2) from A.
    const b = ((gx % 2) + 2) % 2;
    const x = (gx - b) / 2;
    return [SQRT3 * x + (SQRT3 / 2) * gy + (b * SQRT3) / 2, 1.5 * gy + b / 2];
  }
  return [gx, gy];
}

/** Extent of the drawing: the site box plus half a cell on every side. */
export function planeSize(g: PlaneGeometry): [number, number] {
  return [g.max[0] - g.min[0] + 1, g.max[1] - g.min[1] + 1];
}

/** World position relative to the drawing's centre. */
export function centred(g: PlaneGeometry, p: readonly [number, number]): [number, number] {
  return [p[0] - (g.min[0] + g.max[0]) / 2, p[1] - (g.min[1] + g.max[1]) / 2];
}

/** The grid cell nearest to a world point (relative to the centre), or null when no site lies within 0.6. */
export function nearestCell(g: PlaneGeometry, cx: number, cy: number): [number, number] | null {
  const x = cx + (g.min[0] + g.max[0]) / 2;
  const y = cy + (g.min[1] + g.max[1]) / 2;
  let best: [number, number] | null = null;
  let bestD = 0.6 * 0.6;
  const consider = (gx: number, gy: number) => {
    if (gx < 0 || gy < 0 || gx >= g.grid[0] || gy >= g.grid[1]) return;
    const [sx, sy] = sitePosition(g, gx, gy);
    const d = (sx - x) ** 2 + (sy - y) ** 2;
    if (d < bestD) [best, bestD] = [[gx, gy], d];
  };
  if (g.kind === 'grid') {
    consider(Math.round(x) + 0, Math.round(y) + 0); // + 0 turns −0 into 0
  } else if (g.kind === 'triangular') {
    const v = Math.floor((2 * y) / SQRT3);
    const u = Math.floor(x - v / 2);
    for (let j = -1; j <= 2; j++) for (let i = -1; i <= 2; i++) consider(u + i, v + j);
  } else {
    const v = Math.floor(y / 1.5);
    const u = Math.floor((x - (SQRT3 / 2) * v) / SQRT3);
    for (let j = -1; j <= 2; j++) for (let i = -1; i <= 2; i++) for (let b = 0; b < 2; b++) consider(2 * (u + i) + b, v + j);
  }
  return best;
}

/** Grid steps of a honeycomb displacement counted along its three bond vectors (src/model/lattice.ts): (n1 − n2 + n3, −n3). */
export function honeycombGridStep(n1: number, n2: number, n3: number): [number, number] {
  return [n1 - n2 + n3, -n3];
}
