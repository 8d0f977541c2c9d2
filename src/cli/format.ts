// Number formatting for the human-readable output.
import type { Estimate } from '../observe/stats';

/** 3 significant digits, exponent form for very large or small magnitudes. */
export function num(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return 'n/a';
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e5 || abs < 1e-3) return v.toExponential(digits - 1);
  return v.toPrecision(digits);
}

/** "value ± se" with a shared exponent, e.g. "2.51e-10 ± 0.08e-10"; "value ± n/a" when se is undefined. */
export function pm(e: Estimate, unit = ''): string {
  const u = unit ? ` ${unit}` : '';
  if (!Number.isFinite(e.value)) return `n/a${u}`;
  if (!Number.isFinite(e.se)) return `${num(e.value)} ± n/a${u}`;
  const abs = Math.abs(e.value);
  if (abs >= 1e5 || (abs < 1e-3 && abs > 0)) {
    const exp = Math.floor(Math.log10(abs));
    const scale = 10 ** exp;
    return `(${(e.value / scale).toFixed(3)} ± ${(e.se / scale).toFixed(3)})e${exp}${u}`;
  }
  return `${num(e.value)} ± ${num(e.se, 2)}${u}`;
}

/** Pads to a fixed width for tables. */
export function pad(s: string, width: number, right = false): string {
  return right ? s.padStart(width) : s.padEnd(width);
}
