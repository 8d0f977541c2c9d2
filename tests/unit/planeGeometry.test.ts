// Where the 2D view draws sites (src/view/planeGeometry.ts): every site is its
// own nearest cell, nearest neighbours on the model's lattice lie at distance 1
// on screen, and a honeycomb displacement maps to the grid step of the same hop.
import { describe, expect, it } from 'vitest';
import { centred, honeycombGridStep, nearestCell, planeGeometry, planeSize, sitePosition, type PlaneKind } from '../../src/view/planeGeometry';
import { buildLattice, neighbour, siteCoordinates, type LatticeType } from '../../src/model/lattice';

const CASES: [PlaneKind, LatticeType][] = [['grid', 'square'], ['triangular', 'triangular'], ['honeycomb', 'honeycomb']];

describe('plane geometry of the 2D view', () => {
  for (const [kind, type] of CASES) {
    it(`${type}: sites map back to themselves and model neighbours sit at distance 1`, () => {
      const lattice = buildLattice({ type, size: [6, 5], spacing: 3, periodic: [false, false] });
      const gridX = 6 * lattice.basis;
      const g = planeGeometry(kind, gridX, 5);
      const grid = (i: number): [number, number] => {
        const c = siteCoordinates(lattice, i);
        return [c[3] + lattice.basis * c[0], c[1]];
      };
      let bonds = 0;
      for (let i = 0; i < lattice.nSites; i++) {
        const [gx, gy] = grid(i);
        const [x, y] = centred(g, sitePosition(g, gx, gy));
        expect(nearestCell(g, x + 0.1, y - 0.05)).toEqual([gx, gy]);
        for (let d = 0; d < lattice.directions; d++) {
          const j = neighbour(lattice, i, d);
          if (j < 0) continue;
          const [hx, hy] = grid(j);
          const [px, py] = sitePosition(g, hx, hy);
          const [qx, qy] = sitePosition(g, gx, gy);
          expect(Math.hypot(px - qx, py - qy)).toBeCloseTo(1, 12);
          if (type === 'honeycomb') {
            // The hop's displacement in lattice units, turned into grid steps, lands on the neighbour's cell.
            const u = [0, 1, 2].map((k) => lattice.unitStep[3 * d + k]);
            const [sx, sy] = honeycombGridStep(u[0], u[1], u[2]);
            expect([gx + sx, gy + sy]).toEqual([hx, hy]);
          }
          bonds++;
        }
      }
      expect(bonds).toBeGreaterThan(lattice.nSites);
      // Off the lattice there is no site.
      const [w, h] = planeSize(g);
      expect(nearestCell(g, w, h)).toBeNull();
    });
  }
});

describe('plane geometry of a slice', () => {
  it('a slice of a layered lattice draws the interlayer axis c/a times as long, and picks cells over their whole rectangle', () => {
    const g = planeGeometry('grid', 4, 3, [1, 2.5]);
    expect(planeSize(g)).toEqual([4, 7.5]);
    const [x, y] = centred(g, sitePosition(g, 2, 1));
    expect(nearestCell(g, x + 0.49, y - 1.2)).toEqual([2, 1]);
    expect(nearestCell(g, x, y + 5)).toBeNull();
  });
});
