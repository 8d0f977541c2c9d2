// Browser benchmark (not a test): frames per second and simulated events per
// second of the built app in headless chromium, for a half-filled lattice gas on
// 256×256 and 1024×1024 sites, the 3D preset (layered-3d) and a 64³ cubic
// lattice gas with 48,000 ions (drawn through the 4,000-per-species cap), on the
// CPU engine (Web Worker) and on WebGPU where the browser offers it.
// `npm run bench:browser [-- --json] [-- --seconds 5]`.
import { deflateRawSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { buildAndServe, launchChromium } from '../tests/browser/harness';

interface Row {
  lattice: string;
  engine: string;
  /** requestAnimationFrame callbacks per second: how smooth the page stays. */
  fps: number;
  /** Frames per second that carried new engine data into the view. */
  dataFps: number;
  eventsPerSecond: number;
  note: string;
}

function latticeGas(n: number): string {
  return JSON.stringify({
    ionhop: 1,
    name: `Benchmark lattice gas ${n}x${n}`,
    description: 'Half-filled non-interacting lattice gas, all hops at equal rate (browser benchmark).',
    lattice: { type: 'square', size: [n, n], spacing: 3, boundary: ['periodic', 'periodic'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 1,
    run: { events: 1000 },
    regions: [
      { name: 'left', color: '#e69f00', slab: { axis: 'x', from: 0, to: n / 2 }, species: { 'Zn2+': { barrier: 0.3 } } },
      { name: 'right', color: '#56b4e9', species: { 'Zn2+': { barrier: 0.3 } } },
    ],
    populations: [{ species: 'Zn2+', fraction: 0.5 }],
  });
}

function bigCubic(n: number, ions: number): string {
  return JSON.stringify({
    ionhop: 1,
    name: `Benchmark cubic ${n}^3`,
    description: `Cubic lattice gas with ${ions} ions (browser benchmark of the 3D draw cap).`,
    lattice: { type: 'cubic', size: [n, n, n], spacing: 3, boundary: ['periodic', 'periodic', 'periodic'] },
    temperature: 300,
    attemptFrequency: 1e13,
    seed: 1,
    run: { events: 1000 },
    regions: [
      { name: 'lower', color: '#e69f00', slab: { axis: 'z', from: 0, to: n / 2 }, species: { 'Zn2+': { barrier: 0.3 } } },
      { name: 'upper', color: '#56b4e9', species: { 'Zn2+': { barrier: 0.3 } } },
    ],
    populations: [{ species: 'Zn2+', count: ions }],
  });
}

function packed(text: string): string {
  return deflateRawSync(Buffer.from(text)).toString('base64url');
}

async function measure(page: Page, seconds: number): Promise<{ fps: number; dataFps: number; eventsPerSecond: number }> {
  const read = () =>
    page.evaluate(() => {
      const el = document.getElementById('sim-events')!;
      return { events: Number(el.dataset.events), frames: Number(el.dataset.frames), t: performance.now() };
    });
  // Count animation frames inside the page.
  // A string, not a function: tsx's name-keeping helper does not exist inside the page.
  await page.evaluate(`(() => { window.__rafCount = 0; const loop = () => { window.__rafCount++; requestAnimationFrame(loop); }; requestAnimationFrame(loop); })()`);
  const a = await read();
  const rafA = await page.evaluate(() => (window as unknown as { __rafCount: number }).__rafCount);
  await page.waitForTimeout(seconds * 1000);
  const b = await read();
  const rafB = await page.evaluate(() => (window as unknown as { __rafCount: number }).__rafCount);
  const dt = (b.t - a.t) / 1000;
  return { fps: (rafB - rafA) / dt, dataFps: (b.frames - a.frames) / dt, eventsPerSecond: (b.events - a.events) / dt };
}

export async function main(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  const secIdx = argv.indexOf('--seconds');
  const seconds = secIdx >= 0 ? Number(argv[secIdx + 1]) : 5;
  // --only <text>: run just the cases whose label contains it (e.g. --only 64).
  const onlyIdx = argv.indexOf('--only');
  const only = onlyIdx >= 0 ? argv[onlyIdx + 1] : '';
  const app = await buildAndServe();
  const browser = await launchChromium();
  const rows: Row[] = [];
  try {
    // speed=15: as much simulated time as the engine can do per frame (the time speed is in s per real s).
    const cases = [
      { label: '256x256', query: `sceneData=${packed(latticeGas(256))}&speed=15` },
      { label: '1024x1024', query: `sceneData=${packed(latticeGas(1024))}&speed=15` },
      { label: '3D preset 24x24x16', query: 'scene=layered-3d' },
      { label: '64^3, 48k ions (cap)', query: `sceneData=${packed(bigCubic(64, 48000))}&speed=15` },
    ];
    for (const c of cases.filter((k) => k.label.includes(only))) {
      for (const engine of ['cpu', 'gpu-lattice'] as const) {
        const n = c.label;
        const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
        await page.goto(`${app.url}?${c.query}&engine=${engine}`);
        await page.waitForFunction(() => document.getElementById('engine-badge')?.dataset.engine !== undefined, null, { timeout: 120_000 });
        const ran = (await page.getAttribute('#engine-badge', 'data-engine')) ?? '?';
        const note = ran === engine ? '' : `fell back: ${(await page.getAttribute('#engine-badge', 'title')) ?? ''}`;
        if (ran !== engine && engine !== 'cpu') {
          rows.push({ lattice: n, engine, fps: NaN, dataFps: NaN, eventsPerSecond: NaN, note });
          await page.close();
          continue;
        }
        await page.click('#play');
        await page.waitForTimeout(1000); // warm-up: JIT, first uploads
        const m = await measure(page, seconds);
        rows.push({ lattice: n, engine, ...m, note });
        await page.close();
      }
    }
  } finally {
    await browser.close();
    await app.close();
  }
  const gpuInfo = 'headless chromium; WebGPU via the browser adapter (SwiftShader where no GPU)';
  if (json) {
    console.log(JSON.stringify({ browser: gpuInfo, seconds, rows }, null, 2));
    return;
  }
  console.log(`ionhop browser benchmark (${gpuInfo}), ${seconds} s per case: lattice gas at half filling, the 3D preset, 64^3 with the 3D draw cap`);
  console.log(`${'lattice'.padEnd(22)} engine        page fps  data fps   events/s`);
  for (const r of rows) {
    const f = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
    console.log(`${r.lattice.padEnd(22)} ${r.engine.padEnd(12)} ${f(r.fps).padStart(9)} ${f(r.dataFps).padStart(9)} ${(Number.isFinite(r.eventsPerSecond) ? r.eventsPerSecond.toExponential(2) : 'n/a').padStart(10)}  ${r.note}`);
  }
}
