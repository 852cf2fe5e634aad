// Shared by the finder and corpus kustomize-build tests: a temp tree, the stub pinner and
// the images `kubectl kustomize` renders.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { pinWithStub } from '../finders/helpers.js';

/** tree writes files into a fresh temp dir, removed when the test finishes. */
export function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'digestpin-kustomize-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** pinTree pins every file of the tree in place with the stub resolver. */
export function pinTree(dir: string, files: string[]): void {
  for (const name of files) {
    const file = path.join(dir, name);
    writeFileSync(file, pinWithStub(name, readFileSync(file, 'utf8')).output);
  }
}

/** builtImages runs `kubectl kustomize` and lists every container image of the output. */
export function builtImages(dir: string): string[] {
  const run = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  // stderr may carry deprecation warnings (`commonLabels`); only the exit status matters.
  expect(run.status, run.stderr).toBe(0);
  const images: string[] = [];
  for (const doc of parseAllDocuments(run.stdout)) {
    const obj = doc.toJS() as { spec?: { template?: { spec?: Record<string, Array<{ image: string }>> } } };
    const pod = obj.spec?.template?.spec;
    for (const key of ['initContainers', 'containers']) for (const c of pod?.[key] ?? []) images.push(c.image);
  }
  return images;
}

