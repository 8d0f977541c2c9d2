// Progress on stderr for runs longer than a moment: a \r-updated line on a
// terminal, a plain line every few seconds otherwise (logs, CI).
import type { RunProgress } from '../run/runScene';

export interface ProgressPrinter {
  update(p: RunProgress): void;
  done(): void;
}

/** Nothing is shown during the first `quietS` seconds, so short runs stay silent. */
export function progressPrinter(stream: NodeJS.WriteStream, quietS = 1, everyLineS = 5): ProgressPrinter {
  const tty = Boolean(stream.isTTY);
  let lastShown = -Infinity;
  let shownAny = false;
  return {
    update(p) {
      if (p.elapsedS < quietS) return;
      const interval = tty ? 0.1 : everyLineS;
      if (p.elapsedS - lastShown < interval) return;
      lastShown = p.elapsedS;
      const eta = Number.isFinite(p.etaS) ? `${formatS(p.etaS)} left` : '';
      const line = `running: ${(100 * p.fraction).toFixed(1)}% · replica ${p.replica + 1}/${p.replicas} · ${formatS(p.elapsedS)} elapsed · ${eta}`;
      if (tty) stream.write(`\r${line}\x1b[K`);
      else stream.write(`${line}\n`);
      shownAny = true;
    },
    done() {
      if (tty && shownAny) stream.write('\r\x1b[K');
    },
  };
}

function formatS(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - 60 * m)} s`;
}
