import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** CORPUS is the shared corpus directory: $DIGESTPIN_CORPUS, or ../shared/corpus beside the repository. */
export const CORPUS = path.resolve(REPO_ROOT, process.env.DIGESTPIN_CORPUS ?? '../shared/corpus');

/** CORPUS_ROOT is CORPUS (an alias for files that name their own sub-directory). */
export const CORPUS_ROOT = CORPUS;
