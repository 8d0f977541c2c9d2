// Interrupt + resume equals an uninterrupted run bit for bit (every output
// field but wallTimeS), on the CPU engine (saved midway through a replica) and
// on both GPU engines (Dawn on the software Vulkan driver; saved at replica
// ends); checkpoints of another version or run are refused.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineKind } from '../../src/engine/engine';
import { validateScene } from '../../src/model/scene/validate';
import { readCheckpoint, writeCheckpoint } from '../../src/run/checkpoint';
import { RunInterrupted, runScene, type RunResult } from '../../src/run/runScene';
import { baseScene, ionhopHere, root } from './helpers';

/** The JSON the CLI prints, without the one field that measures the machine. */
const comparable = (r: RunResult | string) => {
  const o = typeof r === 'string' ? JSON.parse(r) : JSON.parse(JSON.stringify(r));
  delete o.wallTimeS;
  return JSON.stringify(o);
};

const tmp = () => mkdtempSync(join(tmpdir(), 'ionhop-checkpoint-'));

/** A dilute, time-sampled scene every engine runs (gpu-lattice needs even sizes, gpu-walkers ≤ 10 % filling). */
function sceneFor(): ReturnType<typeof validateScene> {
  const s = baseScene();
  s.lattice.size = [16, 16];
  s.run = { time: 2e-7, samples: 8, replicas: 4 };
  s.populations = [{ species: 'Zn2+', count: 6 }];
  return validateScene(s);
}

describe('checkpoint and resume', () => {
  for (const engine of ['cpu', 'gpu-walkers', 'gpu-lattice'] as EngineKind[]) {
    it(`${engine}: interrupted in the third of 4 replicas and resumed from the file, the result is identical`, async () => {
      const scene = sceneFor();
      const full = await runScene(scene, { engine });
      const file = join(tmp(), 'run.ckpt');
      let polls = 0;
      // Pause points: one before each replica, one before each of its 8 samples; polls 19–22 are replica 3's start and samples 1–3.
      const stopped = await runScene(scene, { engine, interrupted: () => ++polls > 2 * 9 + 3 }).catch((e: unknown) => e);
      expect(stopped).toBeInstanceOf(RunInterrupted);
      await writeCheckpoint(file, { scene, engine, state: (stopped as RunInterrupted).state, output: { json: true } });
      const cp = await readCheckpoint(file, { scene, engine });
      expect(cp.state.completed).toHaveLength(2);
      // The CPU engine's whole state is in this process: the third replica is saved midway.
      if (engine === 'cpu') expect(cp.state.partial).toMatchObject({ replica: 2, nextSample: 3 });
      else expect(cp.state.partial).toBeUndefined();
      const resumed = await runScene(cp.scene, { engine: cp.engine, resume: cp.state });
      expect(comparable(resumed)).toBe(comparable(full));
    });
  }

  it('cpu: a checkpoint at every pause point of a one-replica run resumes exactly from any of them', async () => {
    const scene = validateScene({ ...baseScene(), run: { events: 3000, samples: 6, replicas: 1 } });
    const full = await runScene(scene);
    const states: string[] = [];
    await runScene(scene, { checkpointDue: () => true, onCheckpoint: (state) => void states.push(JSON.stringify(state)) });
    expect(states.length).toBe(6 + 1 + 1);
    for (const text of [states[1], states[4]]) {
      const state = JSON.parse(text);
      expect(state.partial.replica).toBe(0);
      const file = join(tmp(), 'run.ckpt');
      await writeCheckpoint(file, { scene, engine: 'cpu', state: { completed: [], partial: state.partial }, output: {} });
      const cp = await readCheckpoint(file);
      expect(comparable(await runScene(cp.scene, { resume: cp.state }))).toBe(comparable(full));
    }
  });

  it('cpu through the command line: SIGINT writes the checkpoint and exits 130; resume prints the uninterrupted JSON', async () => {
    const file = join(tmp(), 'run.ckpt');
    const args = ['run', 'scenes/lattice-gas.json', '--json', '--replicas', '12'];
    const full = await ionhopHere(...args, '--quiet');
    expect(full.code, full.stderr).toBe(0);
    // A real process and a real Ctrl-C, once the checkpoint holds 2 replicas.
    const interrupted = await runCli(['bin/ionhop.mjs', ...args, '--checkpoint', file, '--checkpoint-every', '0.01'], (child) => {
      const done = /"replicasDone":(\d+)/.exec(readFileIfAny(file));
      if (done && Number(done[1]) >= 2) child.kill('SIGINT');
    });
    expect(interrupted.code, interrupted.stderr).toBe(130);
    expect(interrupted.stderr).toMatch(/SIGINT: checkpoint written to .*run\.ckpt \((\d+) of 12 replicas complete, replica \d+ saved midway\); continue with: ionhop resume /);
    expect(interrupted.stdout).toBe('');
    const resumed = await ionhopHere('resume', file);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming from checkpoint .*: \d+ of 12 replicas done and replica \d+ up to sample \d+ of 100/);
    expect(comparable(resumed.stdout)).toBe(comparable(full.stdout));
  });

  it('refuses a checkpoint from another version, of another run, or damaged', async () => {
    const scene = sceneFor();
    const dir = tmp();
    const file = join(dir, 'run.ckpt');
    await writeCheckpoint(file, { scene, engine: 'cpu', state: { completed: [] }, output: {} });
    const other = { ...scene, seed: scene.seed + 1 };
    await expect(readCheckpoint(file, { scene: other, engine: 'cpu' })).rejects.toThrow(/belongs to another run \(a different scene, seed or replica count/);
    await expect(readCheckpoint(file, { scene, engine: 'gpu-lattice' })).rejects.toThrow(/belongs to another run \(engine cpu, not gpu-lattice\)/);
    const sceneFile = join(dir, 'scene.json');
    writeFileSync(sceneFile, JSON.stringify(baseScene()));
    const viaCli = await ionhopHere('run', sceneFile, '--checkpoint', file, '--quiet');
    expect(viaCli.code).toBe(2);
    expect(viaCli.stderr).toMatch(/belongs to another run/);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace(/"ionhop":"[^"]+"/, '"ionhop":"0.0.1-old"'));
    const old = await ionhopHere('resume', file);
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(/written by ionhop 0\.0\.1-old; this is ionhop .*run the scene again/);
    writeFileSync(file, text.replace('"temperature":300', '"temperature":301'));
    expect((await ionhopHere('resume', file)).stderr).toMatch(/does not match its digest/);
    writeFileSync(file, text.slice(0, text.length / 2));
    expect((await ionhopHere('resume', file)).stderr).toMatch(/not an ionhop checkpoint \(not valid JSON; was it cut short\?\)/);
  });
});

function readFileIfAny(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Spawns the command line; `poll` runs every 50 ms until the process ends (to send it a signal). */
function runCli(args: string[], poll: (child: ChildProcess) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setInterval(() => child.exitCode === null && !child.killed && poll(child), 50);
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
