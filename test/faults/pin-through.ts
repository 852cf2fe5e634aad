// Shared steps of the fault-matrix tests: build a small tree that references images through
// the fault proxy, run `digestpin pin` / `resolve` in-process, and check the two allowed
// outcomes — pinned to the seeded digest, or exit 2 with every file untouched byte for byte.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { RegistryInfo } from '../harness/types.js';
import { type CliResult, dockerConfigFor, runCli, tempDir, writeTree, readTreeBytes } from '../helpers/cli.js';

/** RunFlags are the registry flags of one run: fast retries, a short timeout, credentials for the proxy. */
export interface RunFlags {
  retries?: number;
  timeout?: number;
  /** extra flags (e.g. --ca-file). */
  extra?: string[];
}

/** registryFlags builds the flags for references at `host` (the proxy) in front of `upstream`. */
export async function registryFlags(host: string, upstream: RegistryInfo, flags: RunFlags = {}): Promise<string[]> {
  const args = ['--insecure-registry', host, '--retries', String(flags.retries ?? 1), '--timeout', String(flags.timeout ?? 5), ...(flags.extra ?? [])];
  const [user, password] = Object.entries(upstream.users)[0] ?? [];
  if (user !== undefined && password !== undefined) args.push('--docker-config', await dockerConfigFor(host, user, password));
  return args;
}

/** deployment renders a Deployment with one container per image (double-quoted, single-quoted and plain in turn). */
export function deployment(name: string, images: string[]): string {
  const quote = (image: string, i: number) => (i % 3 === 0 ? image : i % 3 === 1 ? `"${image}"` : `'${image}'`);
  const containers = images.flatMap((image, i) => [`        - name: c${i} # container ${i}`, `          image: ${quote(image, i)}`]);
  return ['apiVersion: apps/v1', 'kind: Deployment', `metadata: {name: ${name}}`, 'spec:', '  template:', '    spec:', '      containers:', ...containers, ''].join('\n');
}

/** PinOutcome is a pin run plus the tree's bytes before and after. */
export interface PinOutcome extends CliResult {
  dir: string;
  before: Map<string, Buffer>;
  after: Map<string, Buffer>;
  json: PinJson | undefined;
}

/** PinJson is the part of `pin --json` these tests read. */
export interface PinJson {
  written: boolean;
  failures: Array<{ reference: string; canonical: string; code: string; message: string }>;
}

const LOCK = 'digestpin.lock.json';

/** pinThrough writes two manifests using `images` and runs `pin --json` on them with `flags`. */
export async function pinThrough(images: string[], flags: string[]): Promise<PinOutcome> {
  const dir = await tempDir('digestpin-faults-');
  await writeTree(dir, {
    'deploy/app.yaml': deployment('app', images),
    'deploy/copy.yml': `# the same images again, CRLF\r\n${deployment('copy', [...images].reverse()).replace(/\n/g, '\r\n')}`,
  });
  const before = await readTreeBytes(dir);
  const result = await runCli(['pin', '--json', ...flags, '.'], { cwd: dir });
  let json: PinJson | undefined;
  try {
    json = JSON.parse(result.stdout) as PinJson;
  } catch {
    json = undefined;
  }
  return { ...result, dir, before, after: await readTreeBytes(dir), json };
}

/** expectPinned checks exit 0 and that every image now carries exactly its expected digest, in files and lock. */
export async function expectPinned(outcome: PinOutcome, expected: Record<string, string>): Promise<void> {
  expect(outcome.stderr.match(/^error: .*/m)?.[0]).toBeUndefined();
  expect(outcome.code).toBe(0);
  for (const [name, bytes] of outcome.after) {
    if (name === LOCK) continue;
    let text = bytes.toString('utf8');
    for (const [image, digest] of Object.entries(expected)) {
      expect(text).toContain(`${image}@${digest}`);
      text = text.split(`${image}@${digest}`).join(image);
    }
    // Removing the expected digests gives back the input: no other byte changed, no other digest written.
    expect(text).toBe(outcome.before.get(name)!.toString('utf8'));
  }
  const lock = JSON.parse(outcome.after.get(LOCK)!.toString('utf8')) as { images: Record<string, { digest: string }> };
  expect(Object.fromEntries(Object.entries(lock.images).map(([k, v]) => [k, v.digest]))).toEqual(expected);
}

/** expectUntouched checks exit 2, no file changed or added (no lock), and an error naming registry and reference. */
export function expectUntouched(outcome: PinOutcome, host: string, image: string, codes: string[]): void {
  expect(outcome.code).toBe(2);
  expect([...outcome.after.keys()].sort()).toEqual([...outcome.before.keys()].sort());
  for (const [name, bytes] of outcome.before) expect(outcome.after.get(name)!.equals(bytes), `${name} changed`).toBe(true);
  expect(existsSync(path.join(outcome.dir, LOCK))).toBe(false);
  expect(outcome.json?.written).toBe(false);
  const failure = outcome.json?.failures.find((f) => f.reference === image);
  expect(failure, `no failure reported for ${image}: ${outcome.stderr}`).toBeDefined();
  expect(codes).toContain(failure!.code);
  expect(failure!.message).toContain(`registry ${host}`);
  expect(outcome.stderr).toContain(`digestpin: ${image} (deploy/app.yaml:`);
}

/** resolveThrough runs `digestpin resolve` for refs. */
export function resolveThrough(refs: string[], flags: string[]): Promise<CliResult> {
  return runCli(['resolve', ...flags, ...refs]);
}

/** expectResolveError checks exit 2 and an `digestpin: REF: … registry HOST … [CODE]` line. */
export function expectResolveError(result: CliResult, host: string, ref: string, code: string): string {
  expect(result.code).toBe(2);
  const line = result.stderr.split('\n').find((l) => l.startsWith(`digestpin: ${ref}: `));
  expect(line, result.stderr).toBeDefined();
  expect(line).toContain(`registry ${host}`);
  expect(line).toMatch(new RegExp(`\\[${code}\\]$`));
  return line!;
}
