import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { registryFromContext, uniqueRepository } from '../harness/context.js';
import { moveTag, seedImage } from '../harness/seed.js';
import { runCli, tempDir, writeTree } from '../helpers/cli.js';

// The kustomize base of examples/kubernetes (issue 14 item 6), run as the cluster would:
// a copy of the base with a lock made against the real test registry, built with
// `kubectl kustomize`; the ConfigMap's lock is written where the pod mounts it, the
// optional registry Secret is absent (anonymous), and the CronJob's exact argv runs with the
// mount paths moved under a temp dir. The test registry is plain HTTP on loopback, so one
// flag is added: `--insecure-registry <host>` (a real registry speaks HTTPS).

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const reg = registryFromContext('anonymous');
const repository = uniqueRepository('k8s-drift');

interface Built { kind: string; metadata: { name: string }; data?: Record<string, string>; spec?: unknown }

function build(dir: string): Built[] {
  const run = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  if (run.error) throw new Error('kubectl is required: install it (https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/)');
  expect(run.stderr).toBe('');
  return parseAllDocuments(run.stdout).map((d) => d.toJS() as Built);
}

/** cronArgv builds the base with `lock` as its digestpin.lock.json and returns the CronJob's argv, mounts in place. */
async function cronArgv(lock: string): Promise<string[]> {
  const base = await tempDir('digestpin-k8s-base-');
  await fs.cp(path.join(root, 'examples', 'kubernetes'), base, { recursive: true });
  await fs.writeFile(path.join(base, 'digestpin.lock.json'), lock);
  const docs = build(base);
  const configMap = docs.find((d) => d.kind === 'ConfigMap')!;
  const cron = docs.find((d) => d.kind === 'CronJob')! as { spec: { jobTemplate: { spec: { template: { spec: { containers: Array<{ args: string[] }> } } } } } };
  const mounts = await tempDir('digestpin-k8s-mounts-');
  await writeTree(mounts, { 'config/digestpin.lock.json': configMap.data!['digestpin.lock.json']! });
  await fs.mkdir(path.join(mounts, 'docker')); // optional Secret not created: an empty directory
  return cron.spec.jobTemplate.spec.template.spec.containers[0]!.args.map((a) => (a.startsWith('/config') || a.startsWith('/docker') ? path.join(mounts, a) : a));
}

/** lockFor pins a small tree against the test registry and returns the lock it wrote. */
async function lockFor(images: string[]): Promise<string> {
  const containers = images.map((image, i) => `    - name: c${i}\n      image: ${image}\n`).join('');
  const dir = await writeTree(await tempDir(), { 'pod.yaml': `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n${containers}` });
  const pinned = await runCli(['pin', '.', '--insecure-registry', reg.host], { cwd: dir });
  expect(pinned.code, pinned.stderr).toBe(0);
  return fs.readFile(path.join(dir, 'digestpin.lock.json'), 'utf8');
}

describe('examples/kubernetes CronJob command line against the test registry', () => {
  it('exits 0 when no tag moved, 1 when one moved (docs/drift.md)', async () => {
    await seedImage(reg, { repository, tag: 'v1', kind: 'oci-manifest', version: '1.0.0' });
    const argv = await cronArgv(await lockFor([`${reg.host}/${repository}:v1`]));
    const clean = await runCli([...argv, '--insecure-registry', reg.host]);
    expect(clean.code, clean.stderr).toBe(0);
    await moveTag(reg, repository, 'v1', 'oci-manifest', { version: '1.0.1' });
    const moved = await runCli([...argv, '--insecure-registry', reg.host]);
    expect(moved.code, moved.stderr).toBe(1);
    expect(moved.stdout).toMatch(new RegExp(`MOVED +${reg.host}/${repository}:v1`));
  });

  it('exits 2 when a check could not be made (registry unreachable): never a green run that checked nothing', async () => {
    const lock = JSON.stringify({ lockfileVersion: 1, images: { '127.0.0.1:1/gone/app:v1': { digest: `sha256:${'c'.repeat(64)}`, files: ['pod.yaml'], firstSeen: '2026-01-01T00:00:00.000Z' } } });
    const argv = await cronArgv(lock);
    const result = await runCli([...argv, '--insecure-registry', '127.0.0.1:1', '--retries', '0', '--timeout', '5']);
    expect(result.code).toBe(2);
  });
});
