// Whole-file writes that never leave a cut file behind: write a temporary file
// beside the target, flush it, then rename it over the target (atomic on one
// file system), so a reader or a Ctrl-C sees the old file or the new one.
import { open, rename, rm } from 'node:fs/promises';

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}
