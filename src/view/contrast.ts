// WCAG 2 contrast arithmetic on sRGB colours, used to pick region tints, ion
// outlines and plot lines that stay visible: non-text elements need a contrast
// ratio of at least 3:1 against what is next to them (WCAG 2.1, SC 1.4.11).
import { cssToRgb } from './palette';

export type Rgb = readonly [number, number, number];

/** WCAG's minimum contrast for graphical objects (SC 1.4.11). */
export const NON_TEXT_CONTRAST = 3;

function channel(v: number): number {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function relativeLuminance(rgb: Rgb): number {
  return 0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2]);
}

/** Contrast ratio (1 to 21) of two colours. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** (1 − t)·a + t·b per sRGB channel, rounded to bytes. */
export function mixRgb(a: Rgb, b: Rgb, t: number): Rgb {
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * t)) as unknown as Rgb;
}

export function rgbToHex(rgb: Rgb): string {
  return `#${rgb.map((v) => Math.max(0, Math.min(255, Math.round(v))).toString(16).padStart(2, '0')).join('')}`;
}

/**
 * A region's shade as drawn behind the ions: the scene's colour mixed towards
 * the background, so regions read as regions and the ions on top stand out.
 */
export function mutedTint(css: string, background: string, amount = 0.55): string {
  return rgbToHex(mixRgb(cssToRgb(css), cssToRgb(background), amount));
}

/**
 * The colour moved towards white (on a dark background) or black (on a light
 * one) in small steps until its contrast with `background` reaches `min`:
 * bright plot lines on a projector's black, dark enough lines on white.
 */
export function withContrast(css: string, background: string, min: number): string {
  const bg = cssToRgb(background);
  const c = cssToRgb(css);
  const target: Rgb = relativeLuminance(bg) < 0.5 ? [255, 255, 255] : [0, 0, 0];
  for (let t = 0; t <= 1.0001; t += 0.05) {
    const m = mixRgb(c, target, t);
    if (contrastRatio(m, bg) >= min) return rgbToHex(m);
  }
  return rgbToHex(target);
}
