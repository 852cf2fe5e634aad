import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CredentialHelperClient, interpretOutcome } from '../../src/auth/cred-helper.js';
import { findOnPath, type HelperOutcome } from '../../src/auth/process-runner.js';
import { tempDir, writeScript } from './fakes.js';

const CONFIGURED = 'credsStore in /home/u/.docker/config.json';

async function helperDir(): Promise<{ dir: string; env: { PATH: string; HOME: string } }> {
  const dir = await tempDir();
  return { dir, env: { PATH: `${dir}:/usr/bin:/bin`, HOME: dir } };
}

describe('CredentialHelperClient with real helper scripts', () => {
  it('sends the server URL on stdin (not argv) and parses {ServerURL, Username, Secret}', async () => {
    const { dir, env } = await helperDir();
    await writeScript(dir, 'docker-credential-dpt-ok', [
      'input=$(cat)',
      `printf '%s\\n' "$@" > '${dir}/argv'`,
      `printf '%s' "$input" > '${dir}/stdin'`,
      `echo call >> '${dir}/calls'`,
      `printf '{"ServerURL":"%s","Username":"bot","Secret":"s3cr3t"}' "$input"`,
    ].join('\n'));
    const client = new CredentialHelperClient({ env });
    const first = await client.get('dpt-ok', 'https://index.docker.io/v1/', CONFIGURED);
    const second = await client.get('dpt-ok', 'https://index.docker.io/v1/', CONFIGURED);
    expect(first).toEqual({ username: 'bot', password: 's3cr3t' });
    expect(second).toBe(first);
    expect(await readFile(join(dir, 'argv'), 'utf8')).toBe('get\n');
    expect(await readFile(join(dir, 'stdin'), 'utf8')).toBe('https://index.docker.io/v1/');
    expect(await readFile(join(dir, 'calls'), 'utf8')).toBe('call\n'); // cached: one process per registry per run
  });

  it('maps a <token> username to an identity token', async () => {
    const { dir, env } = await helperDir();
    await writeScript(dir, 'docker-credential-dpt-token', `cat >/dev/null; printf '{"ServerURL":"r.io","Username":"<token>","Secret":"refresh-tok"}'`);
    const secret = await new CredentialHelperClient({ env }).get('dpt-token', 'r.io', CONFIGURED);
    expect(secret).toEqual({ identityToken: 'refresh-tok' });
  });

  it('treats "credentials not found in native keychain" as no credential', async () => {
    const { dir, env } = await helperDir();
    await writeScript(dir, 'docker-credential-dpt-none', 'cat >/dev/null; echo "credentials not found in native keychain"; exit 1');
    expect(await new CredentialHelperClient({ env }).get('dpt-none', 'r.io', CONFIGURED)).toBeUndefined();
  });

  it('copes with a helper that exits without reading stdin', async () => {
    const { dir, env } = await helperDir();
    await writeScript(dir, 'docker-credential-dpt-deaf', 'echo "credentials not found in native keychain"; exit 1');
    expect(await new CredentialHelperClient({ env }).get('dpt-deaf', 'x'.repeat(200_000), CONFIGURED)).toBeUndefined();
  });

  it('fails with CREDENTIAL_HELPER when the helper is not on PATH', async () => {
    const { dir } = await helperDir();
    const client = new CredentialHelperClient({ env: { PATH: dir } });
    await expect(client.get('dpt-missing', 'r.io', CONFIGURED)).rejects.toMatchObject({
      code: 'CREDENTIAL_HELPER',
      message: `docker-credential-dpt-missing not found on PATH (configured by ${CONFIGURED})`,
    });
  });

  it('kills a hung helper after the timeout', async () => {
    const { dir, env } = await helperDir();
    await writeScript(dir, 'docker-credential-dpt-hang', 'sleep 30');
    const client = new CredentialHelperClient({ env, timeoutMs: 300 });
    await expect(client.get('dpt-hang', 'r.io', CONFIGURED)).rejects.toMatchObject({
      code: 'CREDENTIAL_HELPER',
      message: `docker-credential-dpt-hang timed out after 0.3s looking up r.io and was killed (configured by ${CONFIGURED})`,
    });
  });

  // Issue 11 item 9: a helper may put its secret on stderr too; the error quotes neither stream.
  it('reports a failing helper with its exit code, never its stdout or stderr', async () => {
    const { dir, env } = await helperDir();
    await writeScript(dir, 'docker-credential-dpt-fail', 'cat >/dev/null; echo "stdout-secret-XYZ"; echo "keychain locked" >&2; exit 3');
    const err = await new CredentialHelperClient({ env }).get('dpt-fail', 'r.io', CONFIGURED).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CREDENTIAL_HELPER', message: `docker-credential-dpt-fail get failed for r.io (exit code 3; -v shows its stderr) (configured by ${CONFIGURED})` });
    expect(String((err as Error).message)).not.toContain('stdout-secret-XYZ');
  });

  it('logs the first stderr line of a failing helper, scrubbed of what it printed on stdout', async () => {
    const { dir, env } = await helperDir();
    const b64 = Buffer.from('stdout-secret-XYZ').toString('base64');
    await writeScript(dir, 'docker-credential-dpt-fail', `cat >/dev/null; echo '{"Secret":"stdout-secret-XYZ"}'; echo "locked: STDOUT-SECRET-XYZ ${b64}" >&2; exit 3`);
    const lines: string[] = [];
    await new CredentialHelperClient({ env, log: (l) => lines.push(l) }).get('dpt-fail', 'r.io', CONFIGURED).catch(() => undefined);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('docker-credential-dpt-fail get for r.io said on stderr: locked: *** ***');
    expect(lines[0]).not.toMatch(/stdout-secret|c3Rkb3V0/i);
  });

  it('rejects malformed output without echoing it', async () => {
    const { dir, env } = await helperDir();
    await writeScript(dir, 'docker-credential-dpt-junk', 'cat >/dev/null; echo "Secret=leaked-value"');
    const err = (await new CredentialHelperClient({ env }).get('dpt-junk', 'r.io', CONFIGURED).catch((e: unknown) => e)) as Error;
    expect(err.message).toBe(`docker-credential-dpt-junk returned malformed output for r.io (configured by ${CONFIGURED})`);
  });

  it('refuses helper names that could escape the docker-credential- prefix', async () => {
    const client = new CredentialHelperClient({ env: {} });
    await expect(client.get('../../bin/sh', 'r.io', CONFIGURED)).rejects.toMatchObject({ code: 'CREDENTIAL_CONFIG' });
  });
});

describe('interpretOutcome', () => {
  const ctx = { program: 'docker-credential-x', serverUrl: 'r.io', configuredBy: 'here', timeoutMs: 10_000 };
  const exit = (code: number, stdout: string, stderr = ''): HelperOutcome => ({ kind: 'exit', code, stdout, stderr });

  it.each([
    [exit(0, '{"ServerURL":"r.io","Username":"u","Secret":"p"}'), { username: 'u', password: 'p' }],
    [exit(0, '{"ServerURL":"r.io","Username":"","Secret":""}'), undefined],
    [exit(0, '{"Username":"<token>","Secret":""}'), undefined],
    [exit(1, '', 'error: credentials not found'), undefined],
  ])('%j → %j', (outcome, expected) => {
    expect(interpretOutcome(outcome, ctx)).toEqual(expected);
  });

  it.each([
    [{ kind: 'too-large' } as const, 'docker-credential-x printed too much output looking up r.io and was killed (configured by here)'],
    [{ kind: 'spawn-error', code: 'EACCES' } as const, 'docker-credential-x could not be started (EACCES) (configured by here)'],
    [exit(0, '{"Username": 5}'), 'docker-credential-x returned malformed output for r.io (configured by here)'],
    [exit(2, 'x'), 'docker-credential-x get failed for r.io (exit code 2) (configured by here)'],
  ])('%j → throws', (outcome, message) => {
    expect(() => interpretOutcome(outcome, ctx)).toThrow(message);
  });
});

describe('findOnPath', () => {
  it('skips relative and empty PATH entries and non-executable files', async () => {
    const { dir } = await helperDir();
    const exe = await writeScript(dir, 'docker-credential-dpt-x', 'exit 0');
    await writeScript(dir, 'plain', 'exit 0').then((p) => import('node:fs/promises').then((fs) => fs.chmod(p, 0o644)));
    expect(await findOnPath('docker-credential-dpt-x', { PATH: `:.:relative:${dir}` })).toBe(exe);
    expect(await findOnPath('plain', { PATH: dir })).toBeUndefined();
    expect(await findOnPath('docker-credential-dpt-x', {})).toBeUndefined();
  });
});
