// The ionhop version written into every result, from package.json (bundled by
// tsx in Node and by Vite in the browser).
import pkg from '../../package.json';

export const IONHOP_VERSION: string = pkg.version;
