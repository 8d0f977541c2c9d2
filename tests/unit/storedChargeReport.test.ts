// The CLI's stored-charge lines: z·ΔN per species always, shares of the stored
// charge Q only when every species moved charge the way Q points (in
// vo2-proton-budget H+ comes in while OH- leaves the surface, so z·ΔN/Q reads
// above 1 and below 0 and is no share of anything).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScene } from '../../src/run/runScene';
import { parseSceneText } from '../../src/model/scene/validate';
import { formatExchange } from '../../src/cli/exchangeReport';

async function run(id: string, edit: (scene: Record<string, any>) => void) {
  const raw = JSON.parse(readFileSync(new URL(`../../scenes/${id}.json`, import.meta.url), 'utf8'));
  edit(raw);
  return runScene(parseSceneText(JSON.stringify(raw), id), { engine: 'cpu' });
}

describe('stored charge in the exchange summary', () => {
  it('gives z·ΔN per species and no shares when species moved charge against the net', async () => {
    const result = await run('vo2-proton-budget', (s) => {
      s.run = { ...s.run, replicas: 2 };
    });
    const stored = result.observables.exchange!.stored;
    const h = stored.find((s) => s.species === 'H+')!;
    const oh = stored.find((s) => s.species === 'OH-')!;
    expect(h.chargeE.value).toBeGreaterThan(0);
    expect(oh.chargeE.value).toBeLessThan(0);
    expect(h.chargeE.value).toBe(h.deltaN.value);
    expect(oh.chargeE.value).toBe(-oh.deltaN.value);
    expect(stored.every((s) => !s.fractionIsShare)).toBe(true);
    expect(h.chargeFraction).toBeGreaterThan(1); // the exported z·ΔN/Q, unchanged
    const text = formatExchange(result).join('\n');
    expect(text).toMatch(/species moved charge against the net, so no shares of it are given/);
    expect(text).toMatch(/H\+: ΔN [^\n]*, charge z·ΔN [0-9.]+ ± [0-9.]+ e\n/);
    expect(text).not.toMatch(/share of the stored charge/);
  });

  it('gives shares that lie in 0–1 and add up to 1 when every species moved charge one way', async () => {
    const result = await run('v2o5-zn-h-costorage', (s) => {
      s.run = { ...s.run, replicas: 2 };
    });
    const stored = result.observables.exchange!.stored.filter((s) => s.chargeE.value !== 0);
    expect(stored.length).toBeGreaterThan(1);
    expect(stored.every((s) => s.fractionIsShare && s.chargeFraction >= 0 && s.chargeFraction <= 1)).toBe(true);
    expect(stored.reduce((a, s) => a + s.chargeFraction, 0)).toBeCloseTo(1, 12);
    expect(formatExchange(result).join('\n')).toMatch(/share of the stored charge/);
  });
});
