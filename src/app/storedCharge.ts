// How the open-face readout states the charge each species stored. No DOM: the app and the tests share the rule.
import { formatNumber } from './numberFormat';

/**
 * 'fraction': every species moved charge the same way as the net Q, so z·ΔN/Q is each one's share of it (0 to 1).
 * 'species-charge': some species moved charge against the net (H+ out while OH- came in, as in vn-oh-volcano), so
 * z·ΔN/Q can read −1 or 2 and means nothing to a class: each species' own z·ΔN in e is shown instead.
 * 'none': no charge moved at all.
 */
export type StoredChargeMode = 'fraction' | 'species-charge' | 'none';

export interface StoredChargeReadout {
  mode: StoredChargeMode;
  /** Per species: what follows its ΔN in brackets ('' in mode 'none'). */
  details: string[];
  /** The tooltip: what the numbers in brackets are. */
  title: string;
}

const TITLES: Record<StoredChargeMode, string> = {
  fraction: 'Ions gained per species since the run started, and the share of the stored charge Q each carries (z·ΔN / Q)',
  'species-charge':
    'Ions gained per species since the run started, and the charge each species moved in elementary charges (z·ΔN): ' +
    'some species moved charge against the net Q, so shares of Q would fall outside 0–1; Q is the sum of these',
  none: 'Ions gained per species since the run started, and the charge stored Q',
};

function signed(q: number): string {
  return `${q > 0 ? '+' : ''}${formatNumber(q)}`;
}

/**
 * The stored-charge detail of each species from its ΔN and charge z. Shares of the net Q are shown only when
 * every non-zero contribution z·ΔN has the sign of Q (then they lie in [0, 1] and add up to 1); otherwise, including
 * a net Q that is small against the gross exchange because contributions cancel, each species' own charge.
 */
export function storedChargeReadout(storedIons: readonly number[], charge: ArrayLike<number>): StoredChargeReadout {
  const q = storedIons.map((dn, s) => charge[s] * dn);
  const total = q.reduce((a, b) => a + b, 0);
  const moved = q.some((v) => v !== 0);
  const mode: StoredChargeMode = !moved ? 'none' : total !== 0 && q.every((v) => v === 0 || Math.sign(v) === Math.sign(total)) ? 'fraction' : 'species-charge';
  const details = q.map((v) => (mode === 'fraction' ? `charge fraction ${formatNumber(v / total)}` : mode === 'species-charge' ? `z·ΔN = ${signed(v)} e` : ''));
  return { mode, details, title: TITLES[mode] };
}
