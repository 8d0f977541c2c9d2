// Takes docs/screenshot.png: the heterointerface-crossing preset on the exact
// CPU engine with trails on and one ion followed, run for a few seconds, then
// warmed by 50 K and run again, so MSD and D* show the run before the change as
// a faded trace beside the new one. Headless chromium, 1440×900.
// Usage: npx tsx bench/browserScreenshot.ts [output.png] [query]
import { resolve } from 'node:path';
import { buildAndServe, launchChromium } from '../tests/browser/harness';

const out = resolve(process.argv[2] ?? 'docs/screenshot.png');
const query = process.argv[3] ?? '?scene=heterointerface-crossing&engine=cpu';
const app = await buildAndServe();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(`${app.url}${query}`);
  await page.waitForFunction(() => document.getElementById('engine-badge')?.dataset.engine !== undefined, null, { timeout: 60_000 });
  await page.check('#trails-toggle');
  // Follow an ion: click the middle of the Zn2+ marker (Okabe–Ito blue) nearest the interface.
  const view = page.locator('#view');
  const box = (await view.boundingBox())!;
  // A string, not a function: tsx's name-keeping helper does not exist inside the page.
  const png = (await view.screenshot()).toString('base64');
  const spot = (await page.evaluate(`(async () => {
    const bitmap = await createImageBitmap(await (await fetch('data:image/png;base64,${png}')).blob());
    const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    const { data, width, height } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    const isIon = (x, y) => data[4 * (y * width + x)] === 0x00 && data[4 * (y * width + x) + 1] === 0x72 && data[4 * (y * width + x) + 2] === 0xb2;
    for (let x = Math.floor(width * 0.5); x > 3; x--) for (let y = Math.floor(height * 0.3); y < height - 3; y++) if (isIon(x, y) && isIon(x - 3, y) && isIon(x + 3, y) && isIon(x, y - 3) && isIon(x, y + 3)) return { x, y };
    return null;
  })()`)) as { x: number; y: number } | null;
  if (spot) await page.mouse.click(box.x + spot.x, box.y + spot.y);
  await page.click('#play');
  await page.waitForTimeout(6000);
  await page.click('#play');
  const slider = page.locator('input[data-key="T"]');
  await slider.focus();
  for (let k = 0; k < 10; k++) await page.keyboard.press('ArrowRight');
  await page.click('#play');
  await page.waitForTimeout(6000);
  await page.click('#play');
  await page.mouse.move(0, 0);
  await page.waitForTimeout(300);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await app.close();
}
