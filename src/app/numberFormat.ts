// Numbers as the page prints them; no DOM and no plotting library, so any app module and the unit tests can use it.

/** Three significant digits between 0.01 and 10⁴, one-digit exponent form outside. */
export function formatNumber(v: number): string {
  if (v === 0) return '0';
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 0.01 && a < 1e4) return String(Number(v.toPrecision(3)));
  return v.toExponential(1).replace('e+', 'e');
}
