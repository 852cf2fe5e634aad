import { describe, expect, it } from 'vitest';
import { isPinError } from '../../src/errors.js';
import { createForge, detectForge, parseRemoteUrl, type ForgeTarget } from '../../src/pr/forge.js';
import { redact, redactUrlCredentials } from '../../src/pr/redact.js';
import type { ForgeKind } from '../../src/pr/types.js';

type Row = [string, { forge?: ForgeKind; apiUrl?: string }, ForgeTarget];

const table: Row[] = [
  ['git@github.com:acme/app.git', {}, { kind: 'github', host: 'github.com', repository: 'acme/app', apiUrl: 'https://api.github.com' }],
  ['https://github.com/acme/app', {}, { kind: 'github', host: 'github.com', repository: 'acme/app', apiUrl: 'https://api.github.com' }],
  ['https://github.com/acme/app.git/', {}, { kind: 'github', host: 'github.com', repository: 'acme/app', apiUrl: 'https://api.github.com' }],
  ['https://x-access-token:ghs_secret@github.com/acme/app.git', {},
    { kind: 'github', host: 'github.com', repository: 'acme/app', apiUrl: 'https://api.github.com' }],
  ['ssh://git@ssh.github.com:443/acme/app.git', {},
    { kind: 'github', host: 'ssh.github.com', repository: 'acme/app', apiUrl: 'https://api.github.com' }],
  ['git@acme.ghe.com:team/app.git', {},
    { kind: 'github', host: 'acme.ghe.com', repository: 'team/app', apiUrl: 'https://api.acme.ghe.com' }],
  // GitHub Enterprise Server: told by --api-url, or by --forge (API at /api/v3), or by the host name.
  ['git@code.corp.example:acme/app.git', { apiUrl: 'https://code.corp.example/api/v3/' },
    { kind: 'github', host: 'code.corp.example', repository: 'acme/app', apiUrl: 'https://code.corp.example/api/v3' }],
  ['https://code.corp.example:8443/acme/app.git', { forge: 'github' },
    { kind: 'github', host: 'code.corp.example', repository: 'acme/app', apiUrl: 'https://code.corp.example:8443/api/v3' }],
  ['git@github.corp.example:acme/app.git', {},
    { kind: 'github', host: 'github.corp.example', repository: 'acme/app', apiUrl: 'https://github.corp.example/api/v3' }],
  ['git@gitlab.com:group/sub/app.git', {},
    { kind: 'gitlab', host: 'gitlab.com', repository: 'group/sub/app', apiUrl: 'https://gitlab.com/api/v4' }],
  ['https://gitlab-ci-token:glcbt-secret@gitlab.com/group/app.git', {},
    { kind: 'gitlab', host: 'gitlab.com', repository: 'group/app', apiUrl: 'https://gitlab.com/api/v4' }],
  ['https://git.example.org/group/app.git', { forge: 'gitlab' },
    { kind: 'gitlab', host: 'git.example.org', repository: 'group/app', apiUrl: 'https://git.example.org/api/v4' }],
  ['http://git.example.org:8080/group/app', { forge: 'gitlab' },
    { kind: 'gitlab', host: 'git.example.org', repository: 'group/app', apiUrl: 'http://git.example.org:8080/api/v4' }],
  ['ssh://git@git.example.org:2222/group/app.git', { forge: 'gitlab' },
    { kind: 'gitlab', host: 'git.example.org', repository: 'group/app', apiUrl: 'https://git.example.org/api/v4' }],
  ['https://git.example.org/gitlab/group/app.git', { apiUrl: 'https://git.example.org/gitlab/api/v4' },
    { kind: 'gitlab', host: 'git.example.org', repository: 'group/app', apiUrl: 'https://git.example.org/gitlab/api/v4' }],
  ['git@gitlab.internal:platform/app.git', {},
    { kind: 'gitlab', host: 'gitlab.internal', repository: 'platform/app', apiUrl: 'https://gitlab.internal/api/v4' }],
  // Gitea / Forgejo (issue 16): by host name, Codeberg, --api-url …/api/v1, or --forge gitea.
  ['git@gitea.example.com:acme/app.git', {},
    { kind: 'gitea', host: 'gitea.example.com', repository: 'acme/app', apiUrl: 'https://gitea.example.com/api/v1' }],
  ['https://forgejo.corp.example/acme/app.git', {},
    { kind: 'gitea', host: 'forgejo.corp.example', repository: 'acme/app', apiUrl: 'https://forgejo.corp.example/api/v1' }],
  ['https://codeberg.org/acme/app.git', {},
    { kind: 'gitea', host: 'codeberg.org', repository: 'acme/app', apiUrl: 'https://codeberg.org/api/v1' }],
  ['git@git.example.org:acme/app.git', { apiUrl: 'http://127.0.0.1:3000/api/v1' },
    { kind: 'gitea', host: 'git.example.org', repository: 'acme/app', apiUrl: 'http://127.0.0.1:3000/api/v1' }],
  ['https://git.example.org:3000/acme/app', { forge: 'gitea' },
    { kind: 'gitea', host: 'git.example.org', repository: 'acme/app', apiUrl: 'https://git.example.org:3000/api/v1' }],
];

describe('detectForge', () => {
  it.each(table)('%s %o', (url, options, expected) => {
    expect(detectForge(url, options)).toEqual(expected);
  });

  it.each([
    ['/srv/git/app.git', /does not name a repository/],
    ['file:///srv/git/app.git', /does not name a repository/],
    ['https://github.com/acme', /does not name a repository/],
    ['https://github.com/acme/app/extra', /not a GitHub owner\/repo path/],
    ['git@git.example.org:group/app.git', /cannot tell whether git\.example\.org is GitHub, GitLab or Gitea\/Forgejo; pass --forge/],
  ])('rejects %s', (url, message) => {
    expect(() => detectForge(url)).toThrow(message);
  });

  it('never echoes credentials of a rejected URL', () => {
    const error = (() => {
      try {
        return detectForge('https://user:hunter2secret@git.example.org/app');
      } catch (e) {
        return e;
      }
    })();
    expect(isPinError(error, 'USAGE')).toBe(true);
    expect(String(error)).not.toContain('hunter2secret');
  });
});

describe('parseRemoteUrl', () => {
  it('decodes the path and keeps http ports only', () => {
    expect(parseRemoteUrl('https://h.example:444/a/b%20c.git')).toEqual({ scheme: 'https', host: 'h.example', port: '444', path: 'a/b c' });
    expect(parseRemoteUrl('github.com:acme/app')).toEqual({ scheme: 'ssh', host: 'github.com', path: 'acme/app' });
  });
});

describe('createForge', () => {
  it('picks GitHub or GitLab and the token variable', () => {
    expect(createForge({ remoteUrl: 'git@github.com:a/b.git', env: { GH_TOKEN: 't' } }).kind).toBe('github');
    expect(createForge({ remoteUrl: 'git@gitlab.com:a/b.git', env: { GITLAB_TOKEN: 't' } }).kind).toBe('gitlab');
    expect(createForge({ remoteUrl: 'git@codeberg.org:a/b.git', env: { FORGEJO_TOKEN: 't' } }).kind).toBe('gitea');
  });

  it.each([
    ['git@github.com:a/b.git', /^no GitHub token: set GITHUB_TOKEN or GH_TOKEN$/],
    ['git@gitlab.com:a/b.git', /^no GitLab token: set GITLAB_TOKEN$/],
    ['git@gitea.example:a/b.git', /^no Gitea\/Forgejo token: set GITEA_TOKEN or FORGEJO_TOKEN$/],
  ])('requires a token for %s', (remoteUrl, message) => {
    expect(() => createForge({ remoteUrl, env: { GITHUB_TOKEN: '', CI_JOB_TOKEN: 'x' } })).toThrow(message);
  });
});

// Issue 11 item 11: the forge token must not travel in cleartext. Plain http is refused unless
// the API is on loopback *and* DIGESTPIN_FORGE_ALLOW_HTTP=1 says so (a local stand-in forge).
describe('createForge over plain http', () => {
  it.each([
    ['https://git.example.org/group/app.git', { apiUrl: 'http://git.example.org/api/v4' }, { GITLAB_TOKEN: 't' }, /GITLAB_TOKEN .*http:\/\/git\.example\.org\/api\/v4/],
    ['http://git.example.org:8080/group/app.git', { forge: 'gitlab' as const }, { GITLAB_TOKEN: 't' }, /refusing to send GITLAB_TOKEN/],
    ['git@github.com:a/b.git', { apiUrl: 'http://127.0.0.1:8080/api/v3' }, { GITHUB_TOKEN: 't' }, /DIGESTPIN_FORGE_ALLOW_HTTP=1/],
    ['git@github.com:a/b.git', { apiUrl: 'http://ghe.example:80/api/v3' }, { GITHUB_TOKEN: 't', DIGESTPIN_FORGE_ALLOW_HTTP: '1' }, /only for a loopback/],
    ['git@github.com:a/b.git', { apiUrl: 'ftp://127.0.0.1/api/v3' }, { GITHUB_TOKEN: 't', DIGESTPIN_FORGE_ALLOW_HTTP: '1' }, /https/],
  ])('refuses %s with %j', (remoteUrl, options, env, message) => {
    let error: unknown;
    try {
      createForge({ remoteUrl, ...options, env });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'USAGE' });
    expect((error as Error).message).toMatch(message);
  });

  it.each(['http://127.0.0.1:8080/api/v3', 'http://localhost:8080/api/v3', 'http://[::1]:8080/api/v3'])('allows loopback %s when DIGESTPIN_FORGE_ALLOW_HTTP=1', (apiUrl) => {
    expect(createForge({ remoteUrl: 'git@github.com:a/b.git', apiUrl, env: { GITHUB_TOKEN: 't', DIGESTPIN_FORGE_ALLOW_HTTP: '1' } }).kind).toBe('github');
  });
});

describe('redact', () => {
  it('removes URL userinfo and listed secrets, longest first', () => {
    expect(redactUrlCredentials("fatal: https://x-access-token:abc@github.com/a/b.git and ssh://git@h/x"))
      .toBe('fatal: https://***@github.com/a/b.git and ssh://***@h/x');
    expect(redact('token abcd1234 and abcd1234xyz', ['abcd1234', 'abcd1234xyz', 'ab'])).toBe('token *** and ***');
  });
});
