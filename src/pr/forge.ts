// Which forge hosts a git remote, where its API lives, and a Forge client for it.
import type { Dispatcher } from 'undici';
import { PinError } from '../errors.js';
import { createGitHubForge } from './github.js';
import { createGiteaForge } from './gitea.js';
import { createGitLabForge } from './gitlab.js';
import { redactUrlCredentials } from './redact.js';
import type { Forge, ForgeKind } from './types.js';

/** RemoteLocation is a git remote URL taken apart (credentials dropped). */
export interface RemoteLocation {
  /** scheme is `https`, `http`, `ssh`, `git`, … (`ssh` for scp-like `git@host:path`). */
  scheme: string;
  /** host is lower-cased, without port. */
  host: string;
  /** port is kept only for http(s) URLs, where it is also the web/API port. */
  port?: string;
  /** path is the repository path without leading/trailing slashes and `.git`. */
  path: string;
}

/** ForgeTarget is a detected forge, repository and API root. */
export interface ForgeTarget {
  kind: ForgeKind;
  host: string;
  /** repository is `owner/repo` (GitHub) or `group/sub/project` (GitLab). */
  repository: string;
  apiUrl: string;
}

/** DetectForgeOptions overrides detection (`--forge`, `--api-url`). */
export interface DetectForgeOptions {
  forge?: ForgeKind;
  apiUrl?: string;
}

const SCP_LIKE = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/\/)(.+)$/;

/** parseRemoteUrl parses URL-style and scp-style (`git@host:owner/repo.git`) remotes. */
export function parseRemoteUrl(remoteUrl: string): RemoteLocation {
  const bad = () => new PinError('USAGE', `remote URL ${redactUrlCredentials(remoteUrl)} does not name a repository on a forge`);
  let scheme: string;
  let host: string;
  let port: string | undefined;
  let rawPath: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(remoteUrl)) {
    let url: URL;
    try {
      url = new URL(remoteUrl);
    } catch {
      throw bad();
    }
    scheme = url.protocol.slice(0, -1).toLowerCase();
    host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
    if ((scheme === 'http' || scheme === 'https') && url.port !== '') port = url.port;
    rawPath = decodeURIComponent(url.pathname);
  } else {
    const match = SCP_LIKE.exec(remoteUrl);
    if (match === null) throw bad();
    scheme = 'ssh';
    host = (match[1] ?? '').toLowerCase();
    rawPath = match[2] ?? '';
  }
  const path = rawPath.replace(/^\/+|\/+$/g, '').replace(/\.git$/, '');
  if (host === '' || scheme === 'file' || !path.includes('/')) throw bad();
  return port === undefined ? { scheme, host, path } : { scheme, host, port, path };
}

/** detectForge decides GitHub vs GitLab, the repository path and the API root for a remote URL. */
export function detectForge(remoteUrl: string, options: DetectForgeOptions = {}): ForgeTarget {
  const location = parseRemoteUrl(remoteUrl);
  const apiUrl = options.apiUrl?.replace(/\/+$/, '');
  const kind = options.forge ?? guessKind(location.host, apiUrl);
  if (kind === undefined) {
    throw new PinError('USAGE', `cannot tell whether ${location.host} is GitHub, GitLab or Gitea/Forgejo; `
      + 'pass --forge github|gitlab|gitea (and --api-url for GitHub Enterprise)');
  }
  const repository = stripApiPrefix(location, apiUrl, kind);
  const segments = repository.split('/');
  if ((kind === 'github' || kind === 'gitea') && segments.length !== 2) {
    throw new PinError('USAGE', `remote ${redactUrlCredentials(remoteUrl)} is not a ${kind === 'github' ? 'GitHub' : 'Gitea'} owner/repo path`);
  }
  return { kind, host: location.host, repository, apiUrl: apiUrl ?? defaultApiUrl(kind, location) };
}

function guessKind(host: string, apiUrl: string | undefined): ForgeKind | undefined {
  if (host === 'github.com' || host === 'ssh.github.com' || host.endsWith('.ghe.com')) return 'github';
  if (host === 'gitlab.com') return 'gitlab';
  if (apiUrl !== undefined) {
    if (/\/api\/v3$/.test(apiUrl) || /^https?:\/\/api\./.test(apiUrl)) return 'github';
    if (/\/api\/v4$/.test(apiUrl)) return 'gitlab';
    if (/\/api\/v1$/.test(apiUrl)) return 'gitea';
  }
  if (host === 'codeberg.org') return 'gitea';
  // Same heuristic as Renovate's detectPlatform: self-hosted instances usually say so in the name.
  if (host.includes('github')) return 'github';
  if (host.includes('gitlab')) return 'gitlab';
  if (host.includes('gitea') || host.includes('forgejo')) return 'gitea';
  return undefined;
}

function defaultApiUrl(kind: ForgeKind, location: RemoteLocation): string {
  const { host } = location;
  if (kind === 'github') {
    if (host === 'github.com' || host === 'ssh.github.com') return 'https://api.github.com';
    // GHE.com (data residency) serves the API on api.SUBDOMAIN.ghe.com.
    if (host.endsWith('.ghe.com')) return `https://api.${host}`;
    return `${webOrigin(location)}/api/v3`;
  }
  return `${webOrigin(location)}/api/${kind === 'gitea' ? 'v1' : 'v4'}`;
}

function webOrigin(location: RemoteLocation): string {
  const http = location.scheme === 'http' || location.scheme === 'https';
  const port = location.port === undefined ? '' : `:${location.port}`;
  const host = location.host.includes(':') ? `[${location.host}]` : location.host;
  return `${http ? location.scheme : 'https'}://${host}${port}`;
}

/** stripApiPrefix removes a GitLab relative URL root (https://host/gitlab/…) given by --api-url. */
function stripApiPrefix(location: RemoteLocation, apiUrl: string | undefined, kind: ForgeKind): string {
  if (kind !== 'gitlab' || apiUrl === undefined) return location.path;
  let api: URL;
  try {
    api = new URL(apiUrl);
  } catch {
    throw new PinError('USAGE', `--api-url ${redactUrlCredentials(apiUrl)} is not a URL`);
  }
  const root = api.pathname.replace(/\/api\/v4\/?$/, '').replace(/^\/+|\/+$/g, '');
  if (root === '' || api.hostname.toLowerCase() !== location.host) return location.path;
  return location.path.startsWith(`${root}/`) ? location.path.slice(root.length + 1) : location.path;
}

/** CreateForgeOptions are everything needed to talk to the forge behind a remote. */
export interface CreateForgeOptions extends DetectForgeOptions {
  /** remoteUrl is the git remote's URL (credentials in it are ignored and never logged). */
  remoteUrl: string;
  /** env supplies GITHUB_TOKEN (or GH_TOKEN) / GITLAB_TOKEN. */
  env: NodeJS.ProcessEnv;
  dispatcher?: Dispatcher;
}

/** createForge detects the forge of a remote and returns an authenticated Forge client for it. */
export function createForge(options: CreateForgeOptions): Forge {
  const target = detectForge(options.remoteUrl, options);
  const { tokenSource, token } = findToken(target.kind, options.env);
  checkApiTransport(target.apiUrl, tokenSource, options.env);
  if (target.kind === 'github') {
    const [owner = '', repo = ''] = target.repository.split('/');
    return createGitHubForge({ apiUrl: target.apiUrl, owner, repo, token, tokenSource, dispatcher: options.dispatcher });
  }
  if (target.kind === 'gitea') {
    const [owner = '', repo = ''] = target.repository.split('/');
    return createGiteaForge({ apiUrl: target.apiUrl, owner, repo, token, tokenSource, dispatcher: options.dispatcher });
  }
  return createGitLabForge({
    apiUrl: target.apiUrl, projectPath: target.repository, token, tokenSource, dispatcher: options.dispatcher,
  });
}

/** ALLOW_HTTP_ENV lets the token go to a plain-http API on loopback (a local stand-in forge in tests). */
export const ALLOW_HTTP_ENV = 'DIGESTPIN_FORGE_ALLOW_HTTP';

/**
 * checkApiTransport refuses to send the forge token anywhere but https (issue 11 item 11):
 * plain http only for a loopback API and only when ALLOW_HTTP_ENV=1 says so.
 */
function checkApiTransport(apiUrl: string, tokenSource: string, env: NodeJS.ProcessEnv): void {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new PinError('USAGE', `API URL ${redactUrlCredentials(apiUrl)} is not a URL`);
  }
  if (url.protocol === 'https:') return;
  const where = `refusing to send ${tokenSource} to ${redactUrlCredentials(apiUrl)}`;
  if (url.protocol !== 'http:') throw new PinError('USAGE', `${where}: the forge API must be https`);
  const loopback = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i.test(url.hostname);
  if (!loopback) throw new PinError('USAGE', `${where}: plain http would expose the token; use https (${ALLOW_HTTP_ENV}=1 is only for a loopback API)`);
  if (env[ALLOW_HTTP_ENV] !== '1') throw new PinError('USAGE', `${where}: plain http; for a local stand-in forge on loopback set ${ALLOW_HTTP_ENV}=1`);
}

function findToken(kind: ForgeKind, env: NodeJS.ProcessEnv): { tokenSource: string; token: string } {
  const names = TOKEN_VARIABLES[kind];
  for (const name of names) {
    const value = env[name]?.trim();
    if (value !== undefined && value !== '') return { tokenSource: name, token: value };
  }
  throw new PinError('USAGE', `no ${FORGE_NAMES[kind]} token: set ${names.join(' or ')}`);
}

const TOKEN_VARIABLES: Record<ForgeKind, string[]> = { github: ['GITHUB_TOKEN', 'GH_TOKEN'], gitlab: ['GITLAB_TOKEN'], gitea: ['GITEA_TOKEN', 'FORGEJO_TOKEN'] };
const FORGE_NAMES: Record<ForgeKind, string> = { github: 'GitHub', gitlab: 'GitLab', gitea: 'Gitea/Forgejo' };
