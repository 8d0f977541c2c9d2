// The open-face readout's stored charge per species (src/app/storedCharge.ts): shares of Q only where they mean one.
import { describe, expect, it } from 'vitest';
import { storedChargeReadout } from '../../src/app/storedCharge';

describe('stored charge readout', () => {
  it('shares of Q when every species moved charge the way Q points (v2o5-zn-h-costorage filling)', () => {
    // Zn2+ (z = 2) +7 and H+ (z = 1) +11: Q = 25 e, shares 14/25 and 11/25.
    const r = storedChargeReadout([7, 11], [2, 1]);
    expect(r.mode).toBe('fraction');
    expect(r.details).toEqual(['charge fraction 0.56', 'charge fraction 0.44']);
    expect(r.title).toMatch(/share of the stored charge Q/);
    // A species that has not moved yet has share 0; a draining electrode (all negative) still has shares in [0, 1].
    expect(storedChargeReadout([3, 0], [2, 1]).details).toEqual(['charge fraction 1', 'charge fraction 0']);
    expect(storedChargeReadout([-1, -2], [2, 1]).details).toEqual(['charge fraction 0.5', 'charge fraction 0.5']);
  });

  it('each species’ own z·ΔN when one moved charge against the net (vn-oh-volcano: H+ in, two OH- in, Q = −1 e)', () => {
    // z·ΔN/Q would read −1 for H+ and 2 for OH-: arithmetically right, meaningless to a class.
    const r = storedChargeReadout([0, 1, 2], [2, 1, -1]);
    expect(r.mode).toBe('species-charge');
    expect(r.details).toEqual(['z·ΔN = 0 e', 'z·ΔN = +1 e', 'z·ΔN = -2 e']);
    expect(r.title).toMatch(/charge each species moved in elementary charges \(z·ΔN\)/);
    // Contributions that cancel exactly (Q = 0) have no shares either.
    expect(storedChargeReadout([1, 1], [1, -1]).details).toEqual(['z·ΔN = +1 e', 'z·ΔN = -1 e']);
  });

  it('says nothing in brackets while no charge has moved', () => {
    const r = storedChargeReadout([0, 0], [2, 1]);
    expect(r.mode).toBe('none');
    expect(r.details).toEqual(['', '']);
  });
});
