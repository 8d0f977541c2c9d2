// Entry of a sweep worker thread (tinypool): the sources are TypeScript, so the
// worker registers tsx first, exactly as bin/ionhop.mjs does for the main thread.
import { register } from 'tsx/esm/api';
import '../gpu/registerWgslRaw.mjs';

register();
const { runReplicaTask } = await import('./replicaTask.ts');

export default runReplicaTask;
