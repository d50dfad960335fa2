/**
 * Files of the specs and data shared beside the project (`../shared` from the project root).
 * Found from the project's real root, so that a test compiled into the test tree (.tests/, one
 * folder deeper, with the project's files linked in) reads the same files as under tsx.
 */
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = dirname(realpathSync(fileURLToPath(new URL('../package.json', import.meta.url))));

/** The path of a shared file, e.g. sharedFile('data/311/san-francisco-311-cases-sample10k.csv'). */
export const sharedFile = (path: string): string => join(projectRoot, '..', 'shared', path);
