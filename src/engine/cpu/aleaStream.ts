// The dynamics random stream: Baagøe's Alea generator exactly as seedrandom.alea
// runs it (seeded by seedrandom itself), stepped here on a Float64Array so the
// engine's hot loop calls a small monomorphic method instead of a closure.
// nextU32() returns the same words as `seedrandom.alea(seed)() * 2^32`, bit for bit.
import seedrandom from 'seedrandom';

const TWO_POW_M32 = 2.3283064365386963e-10; // 2^-32
const TWO_POW_32 = 4294967296;
/** A first word ≥ 2^22 has ≥ 23 significant bits, so one more word gives ≥ 54. */
export const FULL_PRECISION_FIRST_WORD = 4194304;

/** Alea generator state as seedrandom reports it. */
export interface AleaState {
  c: number;
  s0: number;
  s1: number;
  s2: number;
}

export class AleaStream {
  /** [s0, s1, s2, c]; the engine's hot loop keeps these in locals and writes them back. */
  readonly st = new Float64Array(4);

  constructor(seed: string) {
    const prng = seedrandom.alea(seed, { state: true });
    this.setState(prng.state() as AleaState);
  }

  state(): AleaState {
    const st = this.st;
    return { s0: st[0], s1: st[1], s2: st[2], c: st[3] };
  }

  setState(s: AleaState): void {
    this.st[0] = s.s0;
    this.st[1] = s.s1;
    this.st[2] = s.s2;
    this.st[3] = s.c;
  }

  bytes(): number {
    return this.st.byteLength;
  }

  /** Next 32-bit word, an integer in [0, 2^32). */
  nextU32(): number {
    const st = this.st;
    const t = 2091639 * st[0] + st[3] * TWO_POW_M32;
    st[0] = st[1];
    st[1] = st[2];
    const c = t | 0;
    st[3] = c;
    const s2 = t - c;
    st[2] = s2;
    return s2 * TWO_POW_32;
  }

  /**
   * Uniform in (0, 1] with full floating-point resolution near 0: leading zero
   * words only lower the scale, and words are added until at least 53
   * significant bits are known. So P(U < p) = p to relative precision ~2^-52
   * even for p = 1e-60, which a plain 53-bit uniform (granularity 2^-53)
   * cannot resolve. Two words in all but one case in 2^10; the engine's hot
   * loop inlines that common case with the same operations.
   */
  uniformOpenClosed(): number {
    const w = this.nextU32();
    if (w >= FULL_PRECISION_FIRST_WORD) return (w + (this.nextU32() + 0.5) * TWO_POW_M32) * TWO_POW_M32;
    return this.uniformFrom(w);
  }

  /** The rest of uniformOpenClosed after a first word w < 2^22 (fewer than 23 significant bits). */
  uniformFrom(w: number): number {
    let scale = TWO_POW_M32;
    while (w === 0) {
      scale *= TWO_POW_M32;
      if (scale === 0) return Number.MIN_VALUE; // after 33 zero words (p ≈ 2^-1056)
      w = this.nextU32();
    }
    let u = w * scale;
    let bits = 32 - Math.clz32(w);
    while (bits < 54) {
      scale *= TWO_POW_M32;
      u += this.nextU32() * scale;
      bits += 32;
    }
    // The middle of the last word's cell, so the result is never 0 and rounds evenly.
    return u + 0.5 * scale;
  }
}
