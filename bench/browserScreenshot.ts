// Takes docs/screenshot.png: the heterointerface preset after a few seconds of
// running on the exact CPU engine, in headless chromium.
// Usage: npx tsx bench/browserScreenshot.ts [output.png] [query]
import { resolve } from 'node:path';
import { buildAndServe, launchChromium } from '../tests/browser/harness';

const out = resolve(process.argv[2] ?? 'docs/screenshot.png');
const query = process.argv[3] ?? '?scene=h2v3o8-mxene&engine=cpu&speed=1';
const app = await buildAndServe();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(`${app.url}${query}`);
  await page.waitForFunction(() => document.getElementById('engine-badge')?.dataset.engine !== undefined, null, { timeout: 60_000 });
  await page.click('#play');
  await page.waitForTimeout(8000);
  await page.click('#play');
  await page.mouse.move(0, 0);
  await page.waitForTimeout(300);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await app.close();
}
