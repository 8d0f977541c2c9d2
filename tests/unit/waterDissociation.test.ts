// Water dissociation (src/model/waterDissociation.ts) on the exact engine:
// detailed balance of the reference rates over random configurations (1e-12),
// the engine's rates against the reference after every batch of events, the
// ledger identity, and the scene checks.
import { describe, expect, it } from 'vitest';
import { validateScene } from '../../src/model/scene/validate';
import { neighbour } from '../../src/model/rateModel';
import { initialOccupancy } from '../../src/model/initialState';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { AleaStream } from '../../src/engine/cpu/aleaStream';
import { reactionRateAt } from '../../src/model/waterDissociation';
import { CHANNEL_KINDS } from '../../src/model/channels';
import { ION_ORIGINS } from '../../src/engine/cpu/reactionChannels';
import { configurationEnergy, model } from '../helpers/energy';
import { countIons, waterSurfaceScene } from './chemistryScenes';

describe('water dissociation: reference rates', () => {
  for (const type of ['square', 'triangular'] as const) {
    it(`k_f/k_b = exp(−(E_after − E_before + ΔG_w)/kT) to 1e-12 over random configurations (${type})`, () => {
      const m = model(waterSurfaceScene(type));
      const rx = m.waterDissociation!;
      const rng = new AleaStream(`water-db-${type}`);
      let checked = 0;
      for (let trial = 0; trial < 30; trial++) {
        const occ = initialOccupancy(m, trial + 1);
        // Empty a few sites at random so empty (s, h) pairs exist.
        for (let i = 0; i < m.nSites; i++) if (rng.uniformOpenClosed() < 0.2) occ[i] = 0;
        for (let s = 0; s < m.nSites; s++) {
          for (let d = 0; d < m.directions; d++) {
            const forward = reactionRateAt(m, occ, s, d);
            if (forward === 0 || occ[s] !== 0) continue;
            const h = neighbour(m, s, d);
            const after = occ.slice();
            after[s] = rx.hydroxide + 1;
            after[h] = rx.proton + 1;
            const back = reactionRateAt(m, after, s, d);
            const expected = Math.exp(-(configurationEnergy(m, after) - configurationEnergy(m, occ) + rx.waterFreeEnergy) / m.kT);
            expect(Math.abs(forward / back / expected - 1)).toBeLessThan(1e-12);
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(50);
    });
  }

  it('uses ΔG_w = kT·ln10·pKw − kT·ln a_w and the BEP barriers, lowered by λ_cat next to a Zn2+', () => {
    const input = waterSurfaceScene('square', false);
    input.reactions![0] = { ...input.reactions![0], pKw: 13, waterActivity: 0.5 };
    const m = model(input);
    const rx = m.waterDissociation!;
    expect(rx.waterFreeEnergy).toBeCloseTo(m.kT * Math.log(10) * 13 - m.kT * Math.log(0.5), 14);
    // The electrolyte's water activity when the reaction gives none; both at once is refused by name.
    const fromElectrolyte = waterSurfaceScene('square', false);
    fromElectrolyte.reactions![0] = { ...fromElectrolyte.reactions![0], pKw: 13 };
    fromElectrolyte.electrolyte = { waterActivity: 0.5 };
    expect(model(fromElectrolyte).waterDissociation!.waterFreeEnergy).toBe(rx.waterFreeEnergy);
    expect(model({ ...fromElectrolyte, electrolyte: {} }).waterDissociation!.waterFreeEnergy).toBeCloseTo(m.kT * Math.log(10) * 13, 14);
    expect(() => model({ ...input, electrolyte: { waterActivity: 0.5 } })).toThrow(/reactions\[0\]\.waterActivity: give the water activity once/);
    expect(() => validateScene({ ...input, electrolyte: { waterActivity: 1.5 } })).toThrow(/electrolyte\.waterActivity must lie in \(0, 1\]/);
    const occ = new Uint8Array(m.nSites);
    const at = (x: number, y: number) => x + 8 * y;
    const up = [...Array(m.directions).keys()].find((d) => neighbour(m, at(3, 1), d) === at(3, 2))!;
    const dE = -0.8 - 0.05 + rx.waterFreeEnergy;
    const ea = Math.max(0, dE, 0.3 + 0.6 * dE);
    expect(reactionRateAt(m, occ, at(3, 1), up)).toBeCloseTo(1e13 * Math.exp(-ea / m.kT), 3);
    occ[at(4, 2)] = 1; // Zn2+ next to h
    expect(reactionRateAt(m, occ, at(3, 1), up)).toBeCloseTo(1e13 * Math.exp(-(ea - 0.1) / m.kT), 3);
    // A surface site next to another surface site: no reaction (h must be a host site).
    const side = [...Array(m.directions).keys()].find((d) => neighbour(m, at(3, 1), d) === at(4, 1))!;
    expect(reactionRateAt(m, occ, at(3, 1), side)).toBe(0);
  });
});

describe('water dissociation on the exact engine', () => {
  for (const [type, interactions] of [['square', true], ['triangular', true], ['square', false]] as const) {
    it(`keeps every hop and reaction rate equal to the reference, and the ledger exact (${type}${interactions ? ', interactions' : ''})`, async () => {
      const m = model(waterSurfaceScene(type, interactions));
      const rx = m.waterDissociation!;
      const engine = new CpuEngine(m, initialOccupancy(m, 4), `water-${type}`);
      expect(engine.checkConsistency()).toBeNull();
      const count = (s: number) => countIons(engine, s);
      const h0 = count(rx.proton);
      const oh0 = count(rx.hydroxide);
      for (let batch = 0; batch < 15; batch++) {
        engine.advanceSync({ events: 41 });
        expect(engine.checkConsistency()).toBeNull();
        const ledger = engine.reactionLedgerSync();
        const net = ledger.dissociations - ledger.recombinations;
        expect(count(rx.proton) - h0).toBe(net);
        expect(count(rx.hydroxide) - oh0).toBe(net);
        const stored = ledger.storedByOrigin[rx.proton];
        expect(stored[ION_ORIGINS.indexOf('initial')] + stored[ION_ORIGINS.indexOf('water')]).toBe(count(rx.proton));
      }
      const ledger = engine.reactionLedgerSync();
      expect(ledger.dissociations).toBeGreaterThan(0);
      expect(ledger.recombinations).toBeGreaterThan(0);
      const byKind = await engine.eventCountsByKind();
      expect(byKind[CHANNEL_KINDS.indexOf('water-dissociation')]).toBe(ledger.dissociations + ledger.recombinations);
      expect(byKind[CHANNEL_KINDS.indexOf('hop')] + byKind[CHANNEL_KINDS.indexOf('water-dissociation')]).toBe(engine.events);
    });
  }
});

describe('water dissociation scene checks', () => {
  const withReaction = (patch: Record<string, unknown>) => {
    const s = waterSurfaceScene();
    return { ...s, reactions: [{ ...s.reactions![0], ...patch }] };
  };
  it('names the field, the value and the range', () => {
    expect(() => validateScene(withReaction({ bepSlope: 1.5 }))).toThrow(/reactions\[0\]\.bepSlope: reactions\[\]\.bepSlope must lie in \[0, 1\] \(got 1\.5\)/);
    expect(() => validateScene(withReaction({ waterActivity: 0 }))).toThrow(/reactions\[0\]\.waterActivity: reactions\[\]\.waterActivity must lie in \(0, 1\]/);
    expect(() => validateScene(withReaction({ catalyst: { species: 'Zn2+', barrierShift: 0.2 } }))).toThrow(/barrierShift must lie in \[-5, 0\] eV/);
    expect(() => model(withReaction({ host: ['nowhere'] }))).toThrow(/reactions\[0\]\.host\[0\]: unknown region \(got "nowhere"\)/);
    expect(() => model(withReaction({ host: ['surface'] }))).toThrow(/reactions\[0\]\.host\[0\]: H\+ must be allowed in region "surface"/);
    expect(() => model(withReaction({ proton: 'Li+' }))).toThrow(/reactions\[0\]\.proton: unknown species/);
  });
});
