import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CronJob } from 'kubernetes-models/batch/v1';
import { ConfigMap, ServiceAccount } from 'kubernetes-models/v1';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { validateLock, type LockFile } from '../../src/lock/schema.js';
import { runCli, tempDir } from '../helpers/cli.js';

// The shipped scheduled-job examples (issue 5, issue 14 item 6): the Kubernetes kustomize base, the GitHub workflow
// and the Dockerfile. Checked without a cluster, a Docker engine or the network.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const KUSTOMIZE_DIR = 'examples/kubernetes';
const WORKFLOW_FILE = 'examples/github/drift.yml';
const DIGEST_PINNED = /^[^@\s]+@sha256:[a-f0-9]{64}$/;
const read = (rel: string) => fs.readFile(path.join(root, rel), 'utf8');

let agent: MockAgent;
beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
});
afterEach(async () => {
  agent.assertNoPendingInterceptors();
  await agent.close();
});

/** KIND_MODELS validates each kind the example may contain against the Kubernetes OpenAPI schema. */
const KIND_MODELS: Record<string, (obj: object) => { validate(): void }> = {
  'v1/ConfigMap': (obj) => new ConfigMap(obj),
  'v1/ServiceAccount': (obj) => new ServiceAccount(obj),
  'batch/v1/CronJob': (obj) => new CronJob(obj),
};

// Loose views of the parsed manifests: the schema validation above is the strict part.
interface Container {
  name: string; image: string; imagePullPolicy: string; args: string[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: { allowPrivilegeEscalation: boolean; readOnlyRootFilesystem: boolean; runAsNonRoot: boolean; capabilities: { drop: string[] } };
  volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}
interface PodSpec {
  restartPolicy: string; automountServiceAccountToken: boolean; containers: Container[];
  securityContext: { runAsNonRoot: boolean; runAsUser: number };
  volumes: Array<{ name: string; configMap?: { name: string }; secret?: { secretName: string; items: Array<{ key: string; path: string }> }; emptyDir?: object }>;
}
interface Manifest { apiVersion: string; kind: string; metadata: { name: string }; [key: string]: unknown }

/** kustomizeBuild runs the real `kubectl kustomize` on a directory and parses the objects. */
function kustomizeBuild(dir: string): Manifest[] {
  const run = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  if (run.error) throw new Error('kubectl is required: install it (https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/), e.g. apt-get install -y kubectl from pkgs.k8s.io');
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return parseAllDocuments(run.stdout).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as Manifest;
  });
}

function builtBase(): { docs: Manifest[]; byKind: (kind: string) => Manifest } {
  const docs = kustomizeBuild(path.join(root, KUSTOMIZE_DIR));
  return { docs, byKind: (kind) => docs.find((d) => d.kind === kind)! };
}

function cronJobParts(cron: Manifest) {
  const spec = cron.spec as { concurrencyPolicy: string; startingDeadlineSeconds: number; jobTemplate: { spec: { template: { spec: PodSpec & { serviceAccountName: string } } } } };
  const pod = spec.jobTemplate.spec.template.spec;
  return { spec, pod, container: pod.containers[0]! };
}

describe(`${KUSTOMIZE_DIR} (kustomize base)`, () => {
  it('builds with kubectl kustomize to a ServiceAccount, the lock ConfigMap and a CronJob, each valid against the Kubernetes schema', () => {
    const { docs } = builtBase();
    expect(docs.map((d) => d.kind).sort()).toEqual(['ConfigMap', 'CronJob', 'ServiceAccount']);
    for (const doc of docs) {
      const model = KIND_MODELS[`${doc.apiVersion}/${doc.kind}`];
      expect(model, `${doc.apiVersion}/${doc.kind}`).toBeDefined();
      expect(() => model!(doc).validate()).not.toThrow();
      expect((doc.metadata as { namespace?: string }).namespace).toBeUndefined();
    }
  });

  it('names every object digestpin-drift*, ships no Secret, and builds identically twice (applying twice is harmless)', () => {
    const { docs } = builtBase();
    for (const doc of docs) expect(doc.metadata.name).toMatch(/^digestpin-drift(-|$)/);
    expect(docs.some((d) => d.kind === 'Secret')).toBe(false);
    expect(kustomizeBuild(path.join(root, KUSTOMIZE_DIR))).toEqual(docs);
  });

  it('schema validation catches a broken CronJob (the check is not vacuous)', () => {
    const broken = structuredClone(builtBase().byKind('CronJob'));
    cronJobParts(broken).container.imagePullPolicy = 5 as unknown as string;
    expect(() => new CronJob(broken).validate()).toThrow(/imagePullPolicy/);
  });

  it('runs drift as its own ServiceAccount, Forbid concurrency, locked-down container, image from images:', () => {
    const { byKind } = builtBase();
    const { spec, pod, container } = cronJobParts(byKind('CronJob'));
    expect(spec.concurrencyPolicy).toBe('Forbid');
    expect(spec.startingDeadlineSeconds).toBeGreaterThan(0);
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.serviceAccountName).toBe(byKind('ServiceAccount').metadata.name);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.image).toBe('registry.example.com/platform/digestpin:0.1.0');
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
  });

  it('mounts the generated lock ConfigMap and the optional registry Secret read-only', () => {
    const { byKind } = builtBase();
    const { pod, container } = cronJobParts(byKind('CronJob'));
    const lockVolume = pod.volumes.find((v) => v.name === 'lock')!;
    expect(lockVolume.configMap!.name).toBe(byKind('ConfigMap').metadata.name);
    expect(byKind('ConfigMap').metadata.name).toMatch(/^digestpin-drift-lock-[a-z0-9]+$/);
    const secret = pod.volumes.find((v) => v.name === 'registry-credentials')!.secret as { secretName: string; optional: boolean; items: Array<{ key: string; path: string }> };
    expect(secret).toMatchObject({ secretName: 'digestpin-drift-registry', optional: true, items: [{ key: '.dockerconfigjson', path: 'config.json' }] });
    for (const mount of container.volumeMounts.filter((m) => m.name !== 'tmp')) expect(mount.readOnly).toBe(true);
    expect(container.args).toEqual(['drift', '--lock', '/config/digestpin.lock.json', '--docker-config', '/docker', '--format', 'text', '--fail-on', 'moved,vanished,error']);
  });

  it('packs a valid lock file (this repository\'s own: the Dockerfile base)', () => {
    const text = (builtBase().byKind('ConfigMap').data as Record<string, string>)['digestpin.lock.json']!;
    const lock = validateLock(JSON.parse(text), 'ConfigMap');
    expect(Object.keys(lock.images)).toEqual(['docker.io/library/node:20-bookworm-slim']);
  });
});

describe(WORKFLOW_FILE, () => {
  interface Step { uses?: string; run?: string; if?: string; id?: string; env?: Record<string, string> }
  interface Workflow { on: { schedule: Array<{ cron: string }>; workflow_dispatch: unknown }; permissions: Record<string, string>; jobs: Record<string, { steps: Step[]; env: Record<string, string>; 'timeout-minutes': number }> }
  const load = async () => ({ text: await read(WORKFLOW_FILE), wf: parse(await read(WORKFLOW_FILE)) as Workflow });

  it('runs on a schedule and on demand, with contents: read and issues: write only', async () => {
    const { wf } = await load();
    expect(wf.on.schedule).toHaveLength(1);
    expect(wf.on.schedule[0]!.cron.split(' ')).toHaveLength(5);
    expect(wf.on).toHaveProperty('workflow_dispatch');
    expect(wf.permissions).toEqual({ contents: 'read', issues: 'write' });
    const job = Object.values(wf.jobs)[0]!;
    expect(job['timeout-minutes']).toBeGreaterThan(0);
  });

  it('pins third-party actions to a 40-hex commit SHA (release named in a comment) and uses digestpin\'s own action by full commit sha', async () => {
    for (const file of ['examples/github/drift.yml', 'examples/github/pin-check.yml']) {
      const text = await read(file);
      const wf = parse(text) as Workflow;
      const uses = Object.values(wf.jobs).flatMap((j) => j.steps).flatMap((s) => (s.uses ? [s.uses] : []));
      for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      for (const u of uses.filter((x) => x.startsWith('actions/'))) expect(text).toMatch(new RegExp(`uses: ${u} # v\\d+\\.\\d+\\.\\d+\\n`));
      expect(uses.filter((u) => u.startsWith('your-org/digestpin@')), file).toHaveLength(1);
    }
  });

  it('runs the digestpin action (drift), then opens/updates or closes the issue with gh from its report file', async () => {
    const { wf } = await load();
    const job = Object.values(wf.jobs)[0]!;
    const drift = job.steps.find((s) => s.id === 'drift')! as Step & { with: Record<string, string> };
    expect(drift.with).toMatchObject({ command: 'drift', 'docker-config-json': '${{ secrets.DIGESTPIN_DOCKER_CONFIG }}' });
    const open = job.steps.find((s) => s.run?.includes('gh issue create'))!;
    expect(open.if).toBe("failure() && steps.drift.outputs.exit-code == '1'");
    expect(open.env).toMatchObject({ GH_TOKEN: '${{ github.token }}', REPORT_FILE: '${{ steps.drift.outputs.report-file }}' });
    expect(open.run).toContain('cp "$REPORT_FILE" "$report"');
    expect(open.run).toContain('gh issue edit "$number" --body-file "$report"');
    expect(open.run).toMatch(/gh issue list --state open --label "\$ISSUE_LABEL"/);
    const close = job.steps.find((s) => s.run?.includes('gh issue close'))!;
    expect(close.if).toBe('success()');
  });
});

describe('Dockerfile', () => {
  const instructions = async () => (await read('Dockerfile')).replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

  it('is multi-stage and pins every FROM by digest', async () => {
    const froms = (await instructions()).filter((l) => /^FROM\s/i.test(l));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) {
      const image = from.split(/\s+/).filter((w) => !w.startsWith('--'))[1]!;
      expect(image).toMatch(DIGEST_PINNED);
      expect(image).toMatch(/^node:20-bookworm-slim@/);
    }
  });

  it('builds with npm ci, installs runtime dependencies with --omit=dev, runs as a numeric non-root user', async () => {
    const lines = await instructions();
    expect(lines).toContainEqual(expect.stringMatching(/^RUN npm ci\b(?!.*--omit=dev)/));
    expect(lines).toContain('RUN npm run build');
    expect(lines).toContainEqual(expect.stringMatching(/^RUN npm ci --omit=dev\b/));
    const users = lines.filter((l) => l.startsWith('USER '));
    expect(users.at(-1)).toMatch(/^USER [1-9]\d*(:[1-9]\d*)?$/);
    const lastFrom = lines.map((l) => l.startsWith('FROM ')).lastIndexOf(true);
    expect(lines.indexOf(users.at(-1)!)).toBeGreaterThan(lastFrom);
    expect(lines).toContain('ENTRYPOINT ["node", "/app/bin/digestpin.js"]');
  });

  it('sends only what the build copies through .dockerignore', async () => {
    const ignore = (await read('.dockerignore')).split('\n').filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('*');
    const allowed = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1));
    const copied = (await instructions()).filter((l) => l.startsWith('COPY ') && !l.includes('--from=')).flatMap((l) => l.split(/\s+/).slice(1, -1));
    expect(new Set(copied)).toEqual(new Set(allowed));
  });

  it('passes `digestpin pin --check --no-lock` with no network', async () => {
    const listed = JSON.parse((await runCli(['list', '--json', 'Dockerfile'], { cwd: root })).stdout) as Array<{ status: string }>;
    expect(listed.map((o) => o.status)).toEqual(['pinned', 'pinned', 'pinned']);
    expect((await runCli(['pin', '--check', '--no-lock', 'Dockerfile'], { cwd: root, dispatcher: agent })).code).toBe(0);
  });
});
