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
  /** 'grid' only: world length of one cell step along u and v (a slice of a layered lattice: c/a along z). */
  scale: [number, number];
  /** Grid cells per axis (gx, gy). */
  grid: [number, number];
  /** Bounding box of the site centres, world units. */
  min: [number, number];
  max: [number, number];
}

export function planeGeometry(kind: PlaneKind, gridX: number, gridY: number, scale: [number, number] = [1, 1]): PlaneGeometry {
  const g: PlaneGeometry = { kind, scale, grid: [gridX, gridY], min: [Infinity, Infinity], max: [-Infinity, -Infinity] };
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
  return [gx * g.scale[0], gy * g.scale[1]];
}

/** Extent of the drawing: the site box plus half a cell on every side. */
export function planeSize(g: PlaneGeometry): [number, number] {
  const [sx, sy] = g.kind === 'grid' ? g.scale : [1, 1];
  return [g.max[0] - g.min[0] + sx, g.max[1] - g.min[1] + sy];
}

/** World position relative to the drawing's centre. */
export function centred(g: PlaneGeometry, p: readonly [number, number]): [number, number] {
  return [p[0] - (g.min[0] + g.max[0]) / 2, p[1] - (g.min[1] + g.max[1]) / 2];
}

/** The grid cell under a world point (relative to the centre): its rectangle, or its nearest site's Voronoi cell; null off the lattice. */
export function nearestCell(g: PlaneGeometry, cx: number, cy: number): [number, number] | null {
  const x = cx + (g.min[0] + g.max[0]) / 2;
  const y = cy + (g.min[1] + g.max[1]) / 2;
  let best: [number, number] | null = null;
  // A Voronoi cell reaches 1/√3 from its site on the triangular lattice and 1 on the honeycomb.
  let bestD = g.kind === 'triangular' ? 0.6 * 0.6 : 1.01 * 1.01;
  const consider = (gx: number, gy: number) => {
    if (gx < 0 || gy < 0 || gx >= g.grid[0] || gy >= g.grid[1]) return;
    const [sx, sy] = sitePosition(g, gx, gy);
    const d = (sx - x) ** 2 + (sy - y) ** 2;
    if (d < bestD) [best, bestD] = [[gx, gy], d];
  };
  if (g.kind === 'grid') {
    // Every point of a rectangle belongs to its cell (+ 0 turns −0 into 0).
    const [gx, gy] = [Math.round(x / g.scale[0]) + 0, Math.round(y / g.scale[1]) + 0];
    return gx >= 0 && gy >= 0 && gx < g.grid[0] && gy < g.grid[1] ? [gx, gy] : null;
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
