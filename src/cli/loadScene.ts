// Reads and validates a scene file; every failure becomes a message naming the file.
import { readFile } from 'node:fs/promises';
import { parseSceneText } from '../model/scene/validate';
import type { Scene } from '../model/scene/schema';
import { CliError } from './errors';

export async function loadSceneFile(path: string): Promise<Scene> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`scene file not found: ${path}`);
    if (code === 'EISDIR') throw new CliError(`${path} is a directory; give the path of a scene .json file`);
    throw new CliError(`cannot read scene file ${path}: ${(e as Error).message}`);
  }
  return parseSceneText(text, path);
}
