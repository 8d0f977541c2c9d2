// What the run state beside the clock says, from the app's flags. No DOM: the app, the page's fatal-error path
// (main.ts) and the tests share it.

export type RunStateKind = 'starting' | 'failed' | 'frozen' | 'running' | 'paused';

export interface RunFlags {
  /** An engine is running this scene (the host exists). */
  ready: boolean;
  /** Why the app could not start an engine, or null. Wins over everything: nothing runs, nothing is about to. */
  startError: string | null;
  /** No hop is possible in the current state. */
  frozen: boolean;
  /** Play is pressed (held while the engine starts). */
  playing: boolean;
}

export interface RunStateText {
  kind: RunStateKind;
  text: string;
}

/** The words for the run state; 'could not start' replaces 'starting…' once starting has failed. */
export function runState(flags: RunFlags): RunStateText {
  if (flags.startError !== null) return { kind: 'failed', text: 'could not start: no engine runs (the message above says why)' };
  if (!flags.ready) return { kind: 'starting', text: flags.playing ? 'starting: runs as soon as the engine is ready' : 'starting the engine…' };
  if (flags.frozen) return { kind: 'frozen', text: 'frozen: no hop is possible' };
  return flags.playing ? { kind: 'running', text: 'running' } : { kind: 'paused', text: 'paused' };
}

/** Play may be pressed (and held) unless starting failed: then there is nothing to run, and the button must not say Pause. */
export function canPlay(flags: Pick<RunFlags, 'startError'>): boolean {
  return flags.startError === null;
}
