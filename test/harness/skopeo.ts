import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { sha256 } from './http.js';
import type { RegistryInfo } from './types.js';

const run = promisify(execFile);

/**
 * skopeoDigest hashes the raw manifest `skopeo inspect --raw` fetches for `ref`
 * (`repo:tag` on `reg`): an independent client's view of the same tag. skopeo is a
 * test dependency (.ci/run installs it); without it this fails with the install command.
 */
export async function skopeoDigest(reg: RegistryInfo, ref: string): Promise<string> {
  if (!['/usr/bin/skopeo', '/usr/local/bin/skopeo'].some((p) => existsSync(p))) {
    throw new Error('skopeo not found: install it with "apt-get install -y skopeo"');
  }
  const tls = reg.caFile === undefined ? ['--tls-verify=false'] : ['--cert-dir', dirname(reg.caFile)];
  const [user, password] = Object.entries(reg.users)[0] ?? [];
  const creds = user === undefined ? [] : ['--creds', `${user}:${password}`];
  const { stdout } = await run('skopeo', ['inspect', '--raw', ...tls, ...creds, `docker://${reg.host}/${ref}`], { encoding: 'buffer' });
  return sha256(stdout);
}
