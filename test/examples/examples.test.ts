import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CronJob } from 'kubernetes-models/batch/v1';
import { ConfigMap, Secret } from 'kubernetes-models/v1';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { validateLock, type LockFile } from '../../src/lock/schema.js';
import { runCli, tempDir } from '../helpers/cli.js';

// The shipped scheduled-job examples (issue 5): the Kubernetes CronJob, the GitHub workflow
// and the Dockerfile. Checked without a cluster, a Docker engine or the network.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CRONJOB_FILE = 'examples/kubernetes/drift-cronjob.yaml';
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
  'v1/Secret': (obj) => new Secret(obj),
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

async function cronJobExample(): Promise<{ docs: Manifest[]; byKind: (kind: string) => Manifest }> {
  const docs = parseAllDocuments(await read(CRONJOB_FILE)).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as Manifest;
  });
  return { docs, byKind: (kind) => docs.find((d) => d.kind === kind)! };
}

function cronJobParts(cron: Manifest) {
  const spec = cron.spec as { concurrencyPolicy: string; startingDeadlineSeconds: number; jobTemplate: { spec: { template: { spec: PodSpec } } } };
  const pod = spec.jobTemplate.spec.template.spec;
  return { spec, pod, container: pod.containers[0]! };
}

/** flag returns the value after `name` in an argv list. */
const flag = (args: string[], name: string) => args[args.indexOf(name) + 1]!;

describe(CRONJOB_FILE, () => {
  it('is a ConfigMap, a Secret and a CronJob, each valid against the Kubernetes schema', async () => {
    const { docs } = await cronJobExample();
    expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'Secret', 'CronJob']);
    for (const doc of docs) {
      const model = KIND_MODELS[`${doc.apiVersion}/${doc.kind}`];
      expect(model, `${doc.apiVersion}/${doc.kind}`).toBeDefined();
      expect(() => model!(doc).validate()).not.toThrow();
      expect((doc.metadata as { namespace?: string }).namespace).toBeUndefined();
    }
  });

  it('schema validation catches a broken CronJob (the check is not vacuous)', async () => {
    const { byKind } = await cronJobExample();
    const broken = structuredClone(byKind('CronJob'));
    cronJobParts(broken).container.imagePullPolicy = 5 as unknown as string;
    expect(() => new CronJob(broken).validate()).toThrow(/imagePullPolicy/);
  });

  it('runs drift with Forbid concurrency, a starting deadline, resources and a locked-down container', async () => {
    const { spec, pod, container } = cronJobParts((await cronJobExample()).byKind('CronJob'));
    expect(spec.concurrencyPolicy).toBe('Forbid');
    expect(spec.startingDeadlineSeconds).toBeGreaterThan(0);
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.image).toMatch(DIGEST_PINNED);
    expect(container.image).toMatch(/^ghcr\.io\/digestpin\/digestpin:0\.1\.0@/);
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(Object.keys(container.resources.requests).sort()).toEqual(['cpu', 'memory']);
    expect(container.resources.limits).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(container.args[0]).toBe('drift');
    expect(container.args).not.toContain('--pull-secret');
    expect(container.args).not.toContain('--update-lock');
  });

  it('mounts the lock from the ConfigMap and the dockerconfigjson Secret as config.json for --docker-config', async () => {
    const { byKind } = await cronJobExample();
    const { pod, container } = cronJobParts(byKind('CronJob'));
    const mount = (volume: string) => container.volumeMounts.find((m) => m.name === volume)!;
    const volume = (name: string) => pod.volumes.find((v) => v.name === name)!;

    const lockVolume = pod.volumes.find((v) => v.configMap?.name === byKind('ConfigMap').metadata.name)!;
    const lockPath = flag(container.args, '--lock');
    expect(path.posix.dirname(lockPath)).toBe(mount(lockVolume.name).mountPath);
    expect(Object.keys(byKind('ConfigMap').data as object)).toEqual([path.posix.basename(lockPath)]);

    const secret = byKind('Secret') as Manifest & { type: string; data: Record<string, string> };
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    expect(JSON.parse(Buffer.from(secret.data['.dockerconfigjson']!, 'base64').toString('utf8'))).toEqual({ auths: {} });
    const credVolume = pod.volumes.find((v) => v.secret?.secretName === secret.metadata.name)!;
    expect(credVolume.secret!.items).toEqual([{ key: '.dockerconfigjson', path: 'config.json' }]);
    expect(flag(container.args, '--docker-config')).toBe(mount(credVolume.name).mountPath);

    for (const m of [mount(lockVolume.name), mount(credVolume.name)]) expect(m.readOnly).toBe(true);
    expect(volume('tmp').emptyDir).toBeDefined();
    expect(mount('tmp').mountPath).toBe('/tmp');
  });

  it('holds a valid lock file in the ConfigMap', async () => {
    const data = (await cronJobExample()).byKind('ConfigMap').data as Record<string, string>;
    const lock = validateLock(JSON.parse(data['digestpin.lock.json']!), 'ConfigMap digestpin-lock');
    expect(Object.keys(lock.images).length).toBeGreaterThan(0);
  });

  it('passes `digestpin pin --check --no-lock` with no network: its one image is already pinned', async () => {
    const listed = await runCli(['list', '--json', CRONJOB_FILE], { cwd: root });
    expect(listed.code).toBe(0);
    const found = JSON.parse(listed.stdout) as Array<{ status: string; path: string }>;
    expect(found.map((o) => [o.path, o.status])).toEqual([['spec.jobTemplate.spec.template.spec.containers[0].image', 'pinned']]);
    const checked = await runCli(['pin', '--check', '--no-lock', CRONJOB_FILE], { cwd: root, dispatcher: agent });
    expect(checked.stdout).toBe('');
    expect(checked.code).toBe(0);
  });

  it("runs the container's own argv against the mounted files (registry answered by a mock)", async () => {
    const { byKind } = await cronJobExample();
    const { container } = cronJobParts(byKind('CronJob'));
    const mounts = await tempDir('digestpin-cronjob-');
    const lockText = (byKind('ConfigMap').data as Record<string, string>)['digestpin.lock.json']!;
    await fs.mkdir(path.join(mounts, 'config'));
    await fs.writeFile(path.join(mounts, 'config', 'digestpin.lock.json'), lockText);
    await fs.mkdir(path.join(mounts, 'docker'));
    await fs.writeFile(path.join(mounts, 'docker', 'config.json'), Buffer.from((byKind('Secret').data as Record<string, string>)['.dockerconfigjson']!, 'base64'));
    // The pod's absolute mount paths, moved under the temp dir.
    const argv = container.args.map((a) => (a.startsWith('/config') || a.startsWith('/docker') ? path.join(mounts, a) : a));

    const lock = JSON.parse(lockText) as LockFile;
    const movedKey = 'registry.example.com/shop/web:1.27.3';
    const registry = agent.get('https://registry.example.com');
    registry.intercept({ path: '/v2/', method: 'GET' }).reply(200, '{}');
    for (const [key, entry] of Object.entries(lock.images)) {
      const [, repository, tag] = /^registry\.example\.com\/(.+):([^:]+)$/.exec(key)!;
      const digest = key === movedKey ? `sha256:${'f'.repeat(64)}` : entry.digest;
      registry.intercept({ path: `/v2/${repository}/manifests/${tag}`, method: 'HEAD' })
        .reply(200, '', { headers: { 'docker-content-digest': digest, 'content-type': entry.mediaType! } });
    }
    const result = await runCli([...argv, '--no-explain'], { dispatcher: agent });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^MOVED +registry\.example\.com\/shop\/web:1\.27\.3 +0884b5473922 → ffffffffffff$/m);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('checked 3: 2 unchanged, 1 moved, 0 vanished, 0 error(s)');
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

  it('pins every action to a 40-hex commit SHA, with the release named in a comment', async () => {
    const { wf, text } = await load();
    const uses = Object.values(wf.jobs).flatMap((j) => j.steps).flatMap((s) => (s.uses ? [s.uses] : []));
    expect(uses.map((u) => u.split('@')[0])).toEqual(['actions/checkout', 'actions/setup-node']);
    for (const u of uses) {
      expect(u).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      expect(text).toMatch(new RegExp(`uses: ${u} # v\\d+\\.\\d+\\.\\d+\\n`));
    }
  });

  it('runs a pinned digestpin drift with --format github, then opens/updates or closes the issue with gh', async () => {
    const { wf } = await load();
    const job = Object.values(wf.jobs)[0]!;
    expect(job.env.DIGESTPIN).toBe('digestpin@0.1.0');
    const drift = job.steps.find((s) => s.id === 'drift')!;
    expect(drift.run).toMatch(/npx --yes "\$DIGESTPIN" drift .*\\\n\s+--format github/);
    const open = job.steps.find((s) => s.run?.includes('gh issue create'))!;
    expect(open.if).toBe("failure() && steps.drift.outputs.exit-code == '1'");
    // The report pass must not fail on a tag it could not check: the first step already failed the run.
    expect(open.run).toContain('--format markdown --fail-on none --allow-errors > "$report"');
    expect(open.run).toContain('gh issue edit "$number" --body-file "$report"');
    expect(open.run).toMatch(/gh issue list --state open --label "\$ISSUE_LABEL"/);
    expect(open.env).toMatchObject({ GH_TOKEN: '${{ github.token }}' });
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
