import { spawnSync } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { registryFromContext } from '../harness/context.js';
import { runCli, tempDir, writeTree } from '../helpers/cli.js';

// The GitHub Action (issue 14 item 4), run as a runner would: parse action.yml, substitute
// ${{ inputs.* }} (given or default), ${{ github.action_path }} and ${{ github.token }},
// and run each `run:` step with its `shell:` (bash -e {0}) in its working-directory, with
// GITHUB_STEP_SUMMARY / GITHUB_OUTPUT files, against the real test registry. The
// `uses: actions/setup-node` step is the runner's job: here Node 20 is already installed
// (checked). The action path is a fresh copy of the repository's sources, so its own
// `npm ci && npm run build` step really runs.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const reg = registryFromContext('anonymous');

interface Step { uses?: string; run?: string; shell?: string; id?: string; 'working-directory'?: string; env?: Record<string, string>; with?: Record<string, unknown> }
interface Action { inputs: Record<string, { default?: string }>; runs: { using: string; steps: Step[] } }

const action = parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as Action;
let actionPath: string;

beforeAll(async () => {
  actionPath = await tempDir('digestpin-action-');
  for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'action.yml']) await fs.copyFile(path.join(root, f), path.join(actionPath, f));
  for (const d of ['src', 'bin', 'scripts']) await fs.cp(path.join(root, d), path.join(actionPath, d), { recursive: true });
}, 60_000);

/** expand substitutes the expressions the action uses, as the runner does. */
function expand(text: string, inputs: Record<string, string>): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, expr: string) => {
    if (expr === 'github.action_path') return actionPath;
    if (expr === 'github.token') return '';
    const input = /^inputs\.([\w-]+)$/.exec(expr);
    if (input) return inputs[input[1]!] ?? expand(action.inputs[input[1]!]?.default ?? '', inputs);
    throw new Error(`unsupported expression ${expr}`);
  });
}

/** runAction runs the composite steps in `workspace`; returns the exit code of the failing step (or 0), stdout, summary and outputs. */
async function runAction(workspace: string, inputs: Record<string, string>): Promise<{ code: number; stdout: string; summary: string; outputs: string }> {
  const temp = await tempDir('digestpin-runner-');
  const files = { GITHUB_STEP_SUMMARY: path.join(temp, 'summary.md'), GITHUB_OUTPUT: path.join(temp, 'output') };
  await fs.writeFile(files.GITHUB_STEP_SUMMARY, '');
  await fs.writeFile(files.GITHUB_OUTPUT, '');
  let stdout = '';
  for (const step of action.runs.steps) {
    if (step.uses) {
      expect(step.uses).toMatch(/^actions\/setup-node@[0-9a-f]{40}$/);
      expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(Number(step.with?.['node-version']));
      continue;
    }
    const script = path.join(temp, `step-${step.id ?? 'x'}.sh`);
    await fs.writeFile(script, expand(step.run!, inputs));
    expect(step.shell).toBe('bash');
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(v, inputs)]));
    const cwd = path.resolve(workspace, expand(step['working-directory'] ?? '.', inputs));
    const result = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', script], {
      cwd, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: temp, RUNNER_TEMP: temp, GITHUB_WORKSPACE: workspace, ...files, ...env },
    });
    stdout += result.stdout;
    if (result.status !== 0) {
      return { code: result.status ?? 2, stdout: `${stdout}${result.stderr}`, summary: await fs.readFile(files.GITHUB_STEP_SUMMARY, 'utf8'), outputs: await fs.readFile(files.GITHUB_OUTPUT, 'utf8') };
    }
  }
  return { code: 0, stdout, summary: await fs.readFile(files.GITHUB_STEP_SUMMARY, 'utf8'), outputs: await fs.readFile(files.GITHUB_OUTPUT, 'utf8') };
}

const pod = (image: string): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: ${image}\n`;

describe('action.yml run as a runner would', () => {
  it('is a composite action on Node 20 with the three commands as its input', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.inputs.command?.default).toBe('pin --check');
    for (const name of ['command', 'paths', 'args', 'docker-config-json', 'github-token', 'working-directory']) expect(action.inputs[name]).toBeDefined();
    const setup = action.runs.steps.find((s) => s.uses)!;
    expect(setup.uses).toMatch(/^actions\/setup-node@[0-9a-f]{40}$/);
    expect(setup.with?.['node-version']).toBe(20);
  });

  it('pin --check: builds from its checkout, fails with exit 1, annotates the unpinned line and writes a summary', async () => {
    const workspace = await writeTree(await tempDir(), { 'deploy/web.yaml': pod(`${reg.host}/app/oci:v1`) });
    const result = await runAction(workspace, { command: 'pin --check', paths: 'deploy', args: `--no-lock --insecure-registry ${reg.host}` });
    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^::error file=deploy/web\\.yaml,line=8,col=14,title=digestpin::${reg.host.replace(/[.]/g, '\\.')}/app/oci:v1 is not pinned by digest`, 'm'));
    expect(result.summary).toContain('1 reference(s) not pinned by digest');
    expect(result.outputs).toMatch(/^exit-code=1\nreport-file=.+digestpin-report\.md\n$/);
  }, 240_000);

  it('drift: exit 0 on a clean lock, with the markdown report as the job summary', async () => {
    const workspace = await writeTree(await tempDir(), { 'deploy/web.yaml': pod(`${reg.host}/app/oci:v1`) });
    expect((await runCli(['pin', '.', '--insecure-registry', reg.host], { cwd: workspace })).code).toBe(0);
    const result = await runAction(workspace, { command: 'drift', args: `--insecure-registry ${reg.host}` });
    expect(result.code, result.stdout).toBe(0);
    expect(result.summary).toMatch(/^## digestpin drift\n[\s\S]*checked 1: 1 unchanged/m);
    expect(result.outputs).toMatch(/^exit-code=0\nreport-file=/);
  }, 240_000);

  it('refuses a command outside the three with an error annotation and exit 2', async () => {
    const result = await runAction(await tempDir(), { command: 'resolve nginx' });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^::error title=digestpin::input command "resolve nginx" is not one of: pin --check, drift, update --pr$/m);
  }, 240_000);
});
