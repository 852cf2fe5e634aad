import { createHash } from 'node:crypto';
import { Agent, type Dispatcher, request } from 'undici';
import type { RegistryInfo } from './types.js';

/** MANIFEST_ACCEPT lists every manifest type, so the registry serves what was pushed (FACTS.md: no Accept → schema1/404). */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

/** createDispatcher returns an undici Agent trusting the registry's CA; the caller closes it. */
export function createDispatcher(info: Pick<RegistryInfo, 'caPem'>): Agent {
  return new Agent(info.caPem === undefined ? {} : { connect: { ca: info.caPem } });
}

/** sha256 returns `sha256:<hex>` of bytes. */
export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** basic builds a Basic Authorization value. */
export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** AuthOptions pick who authenticates and for what. */
export interface AuthOptions {
  repository: string;
  /** Token-mode actions to ask for (default ['pull']). */
  actions?: string[];
  /** User to authenticate as; default the first of info.users; null = anonymous. */
  user?: string | null;
  dispatcher: Dispatcher;
}

/** pickUser resolves AuthOptions.user to a [name, password] pair or undefined for anonymous. */
function pickUser(info: RegistryInfo, user: string | null | undefined): [string, string] | undefined {
  if (user === null) return undefined;
  const name = user ?? Object.keys(info.users)[0];
  if (name === undefined) return undefined;
  const password = info.users[name];
  if (password === undefined) throw new Error(`harness: unknown user "${name}" on ${info.host}`);
  return [name, password];
}

/** authorizationFor returns the Authorization value a request to repository needs in info's mode (undefined: none). */
export async function authorizationFor(info: RegistryInfo, opts: AuthOptions): Promise<string | undefined> {
  const creds = pickUser(info, opts.user);
  if (info.mode === 'anonymous') return undefined;
  if (info.mode === 'htpasswd') return creds === undefined ? undefined : basic(...creds);
  const ts = info.tokenServer!;
  const url = new URL(ts.realm);
  url.searchParams.set('service', ts.service);
  url.searchParams.set('scope', `repository:${opts.repository}:${(opts.actions ?? ['pull']).join(',')}`);
  const res = await request(url, {
    dispatcher: opts.dispatcher,
    headers: creds === undefined ? {} : { authorization: basic(...creds) },
  });
  const body = (await res.body.json()) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (res.statusCode !== 200 || token === undefined) {
    throw new Error(`harness: token request for ${opts.repository} answered ${res.statusCode}`);
  }
  return `Bearer ${token}`;
}

/** FetchedManifest is a raw manifest answer. */
export interface FetchedManifest {
  status: number;
  /** The Docker-Content-Digest header, if any. */
  digestHeader: string | undefined;
  contentType: string | undefined;
  bytes: Buffer;
}

/** fetchManifest GETs /v2/<repository>/manifests/<reference> with the full Accept list. */
export async function fetchManifest(
  info: RegistryInfo, repository: string, reference: string, opts: Omit<AuthOptions, 'repository' | 'actions'>,
): Promise<FetchedManifest> {
  const authorization = await authorizationFor(info, { ...opts, repository });
  const res = await request(`${info.url}/v2/${repository}/manifests/${reference}`, {
    dispatcher: opts.dispatcher,
    headers: { accept: MANIFEST_ACCEPT, ...(authorization === undefined ? {} : { authorization }) },
  });
  const header = (name: string) => {
    const value = res.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const bytes = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, digestHeader: header('docker-content-digest'), contentType: header('content-type'), bytes };
}
