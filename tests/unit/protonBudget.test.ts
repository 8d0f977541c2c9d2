// Reservoirs and water dissociation in one scene, and finite inventories
// (src/model/reservoir.ts, src/engine/cpu/cpuEngine.ts): the engine's rates
// equal the references after every batch of events, the proton ledger
// N_s(t) − N_s(0) = (dissociations − recombinations) + (insertions − removals)
// holds exactly, an inventory loses exactly the ions that entered, detailed
// balance of the finite-inventory channel with the canonical weight of the
// electrolyte, and bad scenes are refused by name.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileRateModel } from '../../src/model/rateModel';
import { createEngine } from '../../src/engine/factory';
import { editableParams } from '../../src/app/sceneEdits';
import { validateScene } from '../../src/model/scene/validate';
import { localPairEnergy, reservoirRateAt } from '../../src/model/rateModel';
import { initialOccupancy } from '../../src/model/initialState';
import { CpuEngine } from '../../src/engine/cpu/cpuEngine';
import { CHANNEL_KINDS } from '../../src/model/channels';
import { AVOGADRO_PER_MOL } from '../../src/model/reservoir';
import { model } from '../helpers/energy';
import { INVENTORY_VOLUME_L, countIons, protonBudgetScene } from './chemistryScenes';

describe('reservoirs and water dissociation in one scene (cpu)', () => {
  for (const [type, interactions] of [['square', true], ['triangular', true], ['square', false]] as const) {
    it(`keeps every rate equal to the references, the ledger and the inventory exact (${type}${interactions ? ', interactions' : ''})`, () => {
      const m = model(protonBudgetScene(type, interactions));
      const rx = m.waterDissociation!;
      const res = m.channels.reservoir!;
      const S = m.nSpecies;
      const engine = new CpuEngine(m, initialOccupancy(m, 2), `budget-${type}`);
      expect(engine.checkConsistency()).toBeNull();
      const start = Array.from({ length: S }, (_, s) => countIons(engine, s));
      for (let batch = 0; batch < 12; batch++) {
        engine.advanceSync({ events: 61 });
        expect(engine.checkConsistency()).toBeNull();
        const counts = engine.reservoirCountsSync()!;
        const water = counts.dissociations! - counts.recombinations!;
        for (let s = 0; s < S; s++) {
          let exchanged = 0;
          for (let f = 0; f < 2; f++) exchanged += counts.insertions[f * S + s] - counts.removals[f * S + s];
          const fromWater = s === rx.hydroxide || s === rx.proton ? water : 0;
          expect(countIons(engine, s) - start[s]).toBe(fromWater + exchanged);
        }
        // The back face's H+ inventory lost exactly what entered there.
        const k = 1 * S + rx.proton;
        expect(counts.inventoryLeft![k]).toBe(25 - (counts.insertions[k] - counts.removals[k]));
        expect(counts.inventoryLeft![k]).toBeGreaterThanOrEqual(0);
      }
      const counts = engine.reservoirCountsSync()!;
      // Every channel kind ran: the test covers their interplay, not one alone.
      expect(counts.dissociations).toBeGreaterThan(0);
      expect(counts.insertions[1 * S + rx.proton]).toBeGreaterThan(0);
      expect(counts.insertions[0 * S + rx.hydroxide] + counts.removals[0 * S + rx.hydroxide]).toBeGreaterThan(0);
      expect(res.inventory[1 * S + rx.proton]).toBe(25);
    });
  }

  it('runs both kinds through runScene with the conservation check at every sample', async () => {
    const { runScene } = await import('../../src/run/runScene');
    const input = protonBudgetScene('square', true);
    input.run = { events: 1500, samples: 10, replicas: 2 };
    const result = await runScene(validateScene(input));
    const byKind = result.chemistry!.channels.find((c) => c.channel === 'water-dissociation');
    expect(byKind).toBeDefined();
    expect(result.observables.exchange!.perFaceSpecies.length).toBeGreaterThan(0);
  });

  it('gives the finite-inventory insertion detailed balance with the canonical weight λ^(N−n)/(N−n)!', () => {
    // One empty H+ face site, n ions left: k_in(left)/k_out = exp(−(E + V)/kT)·left/n° (U = 0), the ratio of the
    // weights e^{−(E+V)/kT}·λ^{left−1}/(left−1)! and λ^{left}/left! with λ = n°.
    const m = model(protonBudgetScene('square', true, 7));
    const rx = m.waterDissociation!;
    const res = m.channels.reservoir!;
    const S = m.nSpecies;
    const unit = AVOGADRO_PER_MOL * INVENTORY_VOLUME_L;
    expect(res.unitActivityIons[1]).toBeCloseTo(unit, 6);
    const occ = new Uint8Array(m.nSites);
    const i = 3 + 8 * 5; // on the back face (y = 5)
    occ[i - 8] = 1; // a Zn2+ below: an environment term
    const left = new Float64Array(2 * S).fill(-1);
    for (const n of [7, 3, 1, 0]) {
      left[1 * S + rx.proton] = n;
      const kIn = reservoirRateAt(m, occ, i, rx.proton, left);
      const after = occ.slice();
      after[i] = rx.proton + 1;
      const kOut = reservoirRateAt(m, after, i, rx.proton, left);
      const e = m.siteEnergy[rx.proton * m.nRegions + m.siteRegion[i]] + localPairEnergy(m, after, rx.proton, i, -1);
      if (n === 0) expect(kIn).toBe(0);
      else expect(Math.abs(kIn / kOut / (Math.exp(-e / m.kT) * (n / unit)) - 1)).toBeLessThan(1e-12);
    }
  });
});

describe('finite inventory scene checks', () => {
  const withBack = (patch: Record<string, unknown>) => {
    const s = protonBudgetScene('square', false);
    s.reservoirs![1] = { ...s.reservoirs![1], ...patch };
    return s;
  };
  it('names the field, the value and what is allowed', () => {
    expect(() => validateScene(withBack({ inventory: { 'H+': 2.5 } }))).toThrow(/inventory.*whole number of ions/);
    expect(() => validateScene(withBack({ volumeL: -1 }))).toThrow(/volumeL.*must lie in \(0, 1e-3\] L/);
    expect(() => model(withBack({ volumeL: undefined }))).toThrow(/reservoirs\[1\]\.inventory: a finite inventory needs the electrolyte volume/);
    expect(() => model(withBack({ inventory: undefined }))).toThrow(/reservoirs\[1\]\.volumeL: a volume only matters with a finite inventory/);
    expect(() => model(withBack({ inventory: { 'OH-': 4 } }))).toThrow(/reservoirs\[1\]\.inventory\.OH-: OH- does not cross this reservoir/);
    expect(() => model(withBack({ activity: { 'H+': 0.1 } }))).toThrow(/reservoirs\[1\]\.inventory\.H\+: the inventory and volumeL set the activity of H\+.*remove reservoirs\[1\]\.activity\.H\+/);
    const withPH = protonBudgetScene('square', false);
    withPH.electrolyte = { ...withPH.electrolyte!, pH: 4 };
    expect(() => model(withPH)).toThrow(/remove electrolyte\.pH/);
  });
  it('counts reservoir and reaction events by kind', async () => {
    const m = model(protonBudgetScene('square', false));
    const engine = new CpuEngine(m, initialOccupancy(m, 1), 'kinds');
    engine.advanceSync({ events: 500 });
    const byKind = await engine.eventCountsByKind();
    const sum = byKind[CHANNEL_KINDS.indexOf('hop')] + byKind[CHANNEL_KINDS.indexOf('reservoir')] + byKind[CHANNEL_KINDS.indexOf('water-dissociation')];
    expect(sum).toBe(engine.events);
  });
});

describe('proton-budget presets', () => {
  const preset = (id: string) => validateScene(JSON.parse(readFileSync(new URL(`../../scenes/${id}.json`, import.meta.url), 'utf8')), id);
  it('vn-oh-volcano and vo2-proton-budget validate, compile and give the app its sliders', () => {
    for (const id of ['vn-oh-volcano', 'vo2-proton-budget']) {
      const scene = preset(id);
      const m = compileRateModel(scene);
      expect(m.waterDissociation).not.toBeNull();
      expect(m.channels.reservoir).toBeDefined();
      expect(editableParams(scene, m).length).toBeGreaterThan(0);
    }
  });
  it('run in the app\'s worker session: OH- appears on the surface, H+ enters, the live sample has no infinity', async () => {
    const { SimulationSession } = await import('../../src/worker/simulationSession');
    for (const id of ['vn-oh-volcano', 'vo2-proton-budget']) {
      const session = await SimulationSession.create('cpu', preset(id), 1);
      let frame = await session.frame();
      let sawOH = false;
      let sawH = false;
      for (let k = 0; k < 8; k++) {
        await session.advance({ events: 1500 }, 50);
        frame = await session.frame();
        sawOH ||= frame.occupancy.some((o) => o === 3);
        sawH ||= frame.occupancy.some((o) => o === 2);
      }
      expect(sawOH, id).toBe(true);
      expect(sawH, id).toBe(true);
      // The live sample exists and holds no infinity while ions appear and vanish (NaN marks a species without a tracer to show).
      expect(frame.sample, id).not.toBeNull();
      expect(frame.sample!.msd.every((v) => Number.isNaN(v) || Number.isFinite(v)), id).toBe(true);
      session.dispose();
    }
  });
  it('refuses a finite inventory on the gpu engines, naming the feature', async () => {
    const scene = preset('vo2-proton-budget');
    const m = compileRateModel(scene);
    for (const kind of ['gpu-lattice', 'gpu-walkers'] as const) {
      await expect(createEngine(kind, m, new Uint8Array(m.nSites), { seed: 'x' })).rejects.toThrow(/finite reservoir inventory \(reservoirs\[\]\.inventory\) runs on the cpu engine only/);
    }
  });
});
