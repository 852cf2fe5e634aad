// The anchor: a shell loop running `skopeo inspect --raw docker://…` once per reference,
// one process each (what CI scripts that pin with skopeo do).
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { run, type Measured } from './measure.js';

/** skopeoPath returns skopeo's path or throws with the install command. */
export function skopeoPath(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    try {
      accessSync(path.join(dir, 'skopeo'), constants.X_OK);
      return path.join(dir, 'skopeo');
    } catch { /* keep looking */ }
  }
  throw new Error('bench: skopeo not found: install it with "apt-get install -y skopeo"');
}

// Plain http to the proxy needs --tls-verify=false (skopeo then tries https and falls back to http).
const LOOP = 'for r in "$@"; do skopeo inspect --raw --tls-verify=false ${SKOPEO_CREDS:+--creds "$SKOPEO_CREDS"} "docker://$r" >/dev/null || exit 1; done';

/** skopeoLoop runs the loop over refs (`host/repo:tag`) in bash and measures it (CPU includes every skopeo). */
export function skopeoLoop(refs: string[], opts: { creds?: string; env: NodeJS.ProcessEnv }): Promise<Measured> {
  skopeoPath();
  const env = { ...opts.env, ...(opts.creds ? { SKOPEO_CREDS: opts.creds } : {}) };
  return run('bash', ['-c', LOOP, 'skopeo-loop', ...refs], { env, measure: true });
}

/** sampleEvenly picks n items spread evenly over list (all of it when n >= length). */
export function sampleEvenly<T>(list: T[], n: number): T[] {
  if (n >= list.length) return [...list];
  return Array.from({ length: n }, (_, i) => list[Math.floor((i * list.length) / n)]!);
}
