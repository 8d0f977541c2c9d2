// The run state beside the clock (src/app/runState.ts): once starting has failed it says so, whatever else is set.
import { describe, expect, it } from 'vitest';
import { canPlay, runState } from '../../src/app/runState';

describe('run state', () => {
  const base = { ready: false, startError: null, frozen: false, playing: false };

  it('says starting while the engine loads, and that a Play pressed meanwhile runs once it is ready', () => {
    expect(runState(base)).toEqual({ kind: 'starting', text: 'starting the engine…' });
    expect(runState({ ...base, playing: true })).toEqual({ kind: 'starting', text: 'starting: runs as soon as the engine is ready' });
    expect(runState({ ...base, ready: true, playing: true }).kind).toBe('running');
    expect(runState({ ...base, ready: true }).kind).toBe('paused');
    expect(runState({ ...base, ready: true, frozen: true, playing: true }).kind).toBe('frozen');
  });

  it('a failed start reads "could not start", never "starting", even with Play pressed; Play is then refused', () => {
    const failed = { ...base, startError: 'the engine worker failed: unknown error' };
    for (const playing of [false, true]) {
      const state = runState({ ...failed, playing });
      expect(state.kind).toBe('failed');
      expect(state.text).toMatch(/^could not start/);
      expect(state.text).not.toMatch(/starting|runs as soon/);
    }
    expect(canPlay(failed)).toBe(false);
    expect(canPlay(base)).toBe(true);
  });
});
