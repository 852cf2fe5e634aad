import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeTree } from '../helpers/cli.js';

// Usage errors exit 2 before any network call, and every error digestpin raises on
// purpose is one stderr line `digestpin: <message> [CODE]`. The dispatcher is a
// MockAgent with net connect disabled and no interceptors: a request would fail the test.

let agent: MockAgent;
afterEach(async () => {
  agent.assertNoPendingInterceptors();
  await agent.close();
});

async function cli(argv: string[], files: Record<string, string> = {}) {
  agent = new MockAgent();
  agent.disableNetConnect();
  const cwd = await writeTree(await tempDir(), files);
  return runCli(argv, { cwd, dispatcher: agent });
}

/** Flag combinations and values digestpin itself rejects: exact `digestpin: <message> [USAGE]` lines. */
const PIN_ERRORS: Array<[string[], RegExp]> = [
  [['pin', '--check', '--diff'], /^digestpin: --check and --diff cannot be combined \[USAGE\]\n$/],
  [['pin', '-', 'deploy/'], /^digestpin: "-" \(stdin\) cannot be combined with other paths \[USAGE\]\n$/],
  [['pin', 'deploy/', '-'], /^digestpin: "-" \(stdin\) cannot be combined with other paths \[USAGE\]\n$/],
  [['pin', '--frozen', '--no-lock'], /^digestpin: --frozen needs a lock file \(remove --no-lock\) \[USAGE\]\n$/],
  [['update', '--check', '--diff'], /^digestpin: --check and --diff cannot be combined \[USAGE\]\n$/],
  [['drift', '--format', 'nope'], /^digestpin: --format "nope" is not one of text, json, markdown, sarif, github\b.* \[USAGE\]\n$/],
  [['drift', '--fail-on', 'moved,sometimes'], /^digestpin: --fail-on "sometimes" is not one of moved, vanished, error \(or "none"\) \[USAGE\]\n$/],
  [['resolve', '--platform', 'linux', 'nginx:1.25'], /^digestpin: --platform "linux" must look like os\/arch or os\/arch\/variant .* \[USAGE\]\n$/],
];

/** Errors commander detects while parsing (unknown option, bad value, missing argument). */
const PARSE_ERRORS: Array<[string[], RegExp]> = [
  [['pin', '--bogus'], /unknown option '--bogus'/],
  [['pin', '--concurrency', '0'], /option '--concurrency <n>' argument '0' is invalid\. must be a whole number >= 1/],
  [['resolve', '--concurrency', '1.5', 'nginx:1.25'], /option '--concurrency <n>' argument '1\.5' is invalid/],
  [['drift', '--timeout', 'soon'], /option '--timeout <seconds>' argument 'soon' is invalid/],
  [['pin', '--lock'], /option '--lock <file>' argument missing/],
  [['resolve'], /missing required argument 'ref'/],
  [['frobnicate'], /unknown command 'frobnicate'/],
];

describe('usage errors exit 2 without touching the network', () => {
  it.each(PIN_ERRORS)('%j', async (argv, message) => {
    const result = await cli(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it.each(PARSE_ERRORS)('%j', async (argv, message) => {
    const result = await cli(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('(run with --help for usage)');
  });

  it.each(PARSE_ERRORS)('%j is reported as `digestpin: <message> [USAGE]`', async (argv) => {
    const result = await cli(argv);
    expect(result.stderr.split('\n')[0]).toMatch(/^digestpin: .+ \[USAGE\]$/);
  });
});

describe('runtime errors are one `digestpin: <message> [CODE]` line, exit 2', () => {
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: nginx:1.25\n';

  it.each<[string, string[], Record<string, string>, RegExp]>([
    ['a missing path (pin)', ['pin', 'no/such/dir'], {}, /^digestpin: no\/such\/dir: no such file or directory \[IO\]\n$/],
    ['a missing path (list)', ['list', 'gone.yaml'], {}, /^digestpin: gone\.yaml: no such file or directory \[IO\]\n$/],
    ['drift without a lock', ['drift'], {}, /^digestpin: lock file \/.*\/digestpin\.lock\.json not found \(run "digestpin pin" first\) \[LOCK_MISSING\]\n$/],
    ['pin --frozen without a lock', ['pin', '--frozen'], { 'pod.yaml': pod }, /^digestpin: lock file \/.*\/digestpin\.lock\.json not found .*\[LOCK_MISSING\]\n$/],
    ['a lock that is not JSON', ['pin', '--frozen'], { 'pod.yaml': pod, 'digestpin.lock.json': '{"lockfileVersion": 1,' }, /^digestpin: \/.*\/digestpin\.lock\.json: invalid JSON: .+ \[LOCK_INVALID\]\n$/],
    ['a lock from the future', ['pin', '--frozen'], { 'pod.yaml': pod, 'digestpin.lock.json': '{"lockfileVersion": 99, "images": {}}' }, /^digestpin: .*digestpin\.lock\.json: invalid lock file: lockfileVersion 99 is newer .*upgrade digestpin \[LOCK_INVALID\]\n$/],
    ['an unknown config key', ['list'], { '.digestpin.yaml': 'registryMirors: []\n' }, /^digestpin: \/.*\/\.digestpin\.yaml: unknown key "registryMirors" .*\[CONFIG_INVALID\]\n$/],
    ['a missing --config file', ['list', '--config', 'nope.yaml'], {}, /^digestpin: cannot read config \/.*\/nope\.yaml: .+ \[CONFIG_INVALID\]\n$/],
    ['malformed YAML', ['pin', '--check'], { 'bad.yaml': 'kind: Pod\nspec:\n  containers:\n  - name: a\n     image: x:1\n' }, /^digestpin: bad\.yaml:4:11: .+ \[YAML_SYNTAX\]\n$/],
    ['a missing --ca-file', ['resolve', '--ca-file', 'ca.pem', 'nginx:1.25'], {}, /^digestpin: --ca-file \/.*\/ca\.pem: .*no such file or directory.* \[USAGE\]\n$/],
  ])('%s', async (_name, argv, files, message) => {
    const result = await cli(argv, files);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });
});
