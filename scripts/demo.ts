// The README's demo: a real local registry, seeded; then `digestpin pin` and
// `digestpin drift` on a copy of examples/demo. Run with `npm run demo`.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRegistry } from '../test/harness/registry.js';
import { moveTag, seedImage } from '../test/harness/seed.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'bin', 'digestpin.js');
const work = mkdtempSync(path.join(os.tmpdir(), 'digestpin-demo-'));
const keep = process.argv.includes('--keep');

function banner(text: string): void {
  console.log(`\n\x1b[1m## ${text}\x1b[0m`);
}

/** digestpin prints a command line and runs exactly that line (settings live in .digestpin.yaml). */
function digestpin(args: string[]): number {
  console.log(`\x1b[36m$ digestpin ${args.join(' ')}\x1b[0m`);
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: work, stdio: 'inherit' });
  console.log(`\x1b[2m(exit ${result.status})\x1b[0m`);
  return result.status ?? 2;
}

const registry = await startRegistry({ mode: 'anonymous' });
try {
  banner(`Local CNCF distribution registry on ${registry.url}; seeding three images`);
  const seeds = [
    { repository: 'demo/web', tag: '1.0', kind: 'oci-index' as const, version: '1.0.0', revision: 'a1b2c3d4e5f6a7b8c9d0', created: '2026-11-19T09:00:00Z' },
    { repository: 'demo/api', tag: '2.3', kind: 'docker-manifest' as const, version: '2.3.0', revision: '1a2b3c4d5e6f7a8b9c0d', created: '2026-11-19T10:00:00Z' },
    { repository: 'demo/worker', tag: 'stable', kind: 'oci-manifest' as const, version: '0.9.1', revision: 'f0e1d2c3b4a5968778695', created: '2026-11-18T08:00:00Z' },
  ];
  for (const seed of seeds) {
    const image = await seedImage(registry, seed);
    console.log(`pushed registry.demo.internal/${seed.repository}:${seed.tag} (${seed.kind}) ${image.digest}`);
  }
  cpSync(path.join(root, 'examples', 'demo'), work, { recursive: true });
  console.log(`copied examples/demo to ${work}`);
  // The examples name the registry `registry.demo.internal`; the demo's .digestpin.yaml sends
  // those lookups to the local registry (a mirror) while the files keep the name they were
  // written with. Only the registry's port differs from the shipped file.
  const configFile = path.join(work, '.digestpin.yaml');
  writeFileSync(configFile, readFileSync(configFile, 'utf8').replaceAll('127.0.0.1:5000', registry.host));
  console.log(`\x1b[36m$ cat .digestpin.yaml\x1b[0m\n${readFileSync(configFile, 'utf8')}`);

  banner('What is there to pin? (no network)');
  digestpin(['list', '.']);
  banner('Preview the change');
  digestpin(['pin', '--diff', '.']);
  banner('Pin in place and write the lock');
  digestpin(['pin', '.']);
  console.log(readFileSync(path.join(work, 'digestpin.lock.json'), 'utf8'));
  banner('A second run changes nothing (exit 0)');
  digestpin(['pin', '--check', '.']);
  if (spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0) {
    banner('kubectl kustomize builds the pinned kustomization to a digest');
    console.log(execFileSync('kubectl', ['kustomize', path.join(work, 'kustomize')], { encoding: 'utf8' }).split('\n').filter((l) => l.includes('image:')).join('\n'));
  }
  banner('Someone re-pushes demo/api:2.3 (a rebuild with a new revision)');
  const moved = await moveTag(registry, 'demo/api', '2.3', 'docker-manifest', { version: '2.3.0', revision: '9f8e7d6c5b4a39281706', created: '2026-11-20T10:00:00Z' });
  console.log(`demo/api:2.3 now points to ${moved.digest}`);
  banner('The scheduled drift job catches it (exit 1 = drift found)');
  digestpin(['drift']);
  banner('Record the new digest in the lock, then drift is clean again');
  digestpin(['drift', '--update-lock', '--format', 'markdown']);
  digestpin(['drift']);
} finally {
  await registry.stop();
  if (keep) console.log(`\nfiles kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
