// Shared by the trust regression tests: a small valid scene to mutate, and the
// command line run in this process with its output captured.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SceneError, validateScene } from '../../src/model/scene/validate';
export { ionhopHere } from '../helpers/cliHere';

export const root = fileURLToPath(new URL('../../', import.meta.url));

/** A stack trace shows frames like "    at foo (file.ts:1:2)". */
export const STACK_FRAME = /^\s+at\s/m;

/** A fresh copy of tests/fixtures/good-minimal.json (8×8 periodic, 4 Zn2+, events 1000). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function baseScene(): any {
  return JSON.parse(readFileSync(`${root}tests/fixtures/good-minimal.json`, 'utf8'));
}

/** The issues validation raises for `data`, or null when it is accepted. */
export function issuesOf(data: unknown): { path: string; message: string }[] | null {
  try {
    validateScene(data);
    return null;
  } catch (e) {
    if (!(e instanceof SceneError)) throw e;
    return e.issues;
  }
}

