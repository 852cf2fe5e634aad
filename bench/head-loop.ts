// The network floor for `pin`: one process that HEADs every unique tag over keep-alive
// connections, `concurrency` in flight, with one bearer token per repository (what any
// correct resolver must at least do). Run as plain JavaScript (bench/lab.ts transpiles it).
// Usage: node head-loop.js REFS.json CONCURRENCY   (REFS.json: ["host/repo:tag", …]; creds in BENCH_CREDS=user:pass)
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const agent = new Agent({ connections: 64, keepAliveTimeout: 30_000 });
const challenges = new Map<string, Promise<Record<string, string> | undefined>>();
const tokens = new Map<string, Promise<string | undefined>>();

async function challengeOf(host: string): Promise<Record<string, string> | undefined> {
  const res = await request(`http://${host}/v2/`, { dispatcher: agent });
  await res.body.dump();
  const header = String(res.headers['www-authenticate'] ?? '');
  if (res.statusCode !== 401 || !/^Bearer /i.test(header)) return undefined;
  return Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

async function tokenFor(host: string, repository: string): Promise<string | undefined> {
  if (!challenges.has(host)) challenges.set(host, challengeOf(host));
  const params = await challenges.get(host)!;
  if (!params?.realm) return undefined;
  const url = new URL(params.realm);
  if (params.service) url.searchParams.set('service', params.service);
  url.searchParams.set('scope', `repository:${repository}:pull`);
  const creds = process.env.BENCH_CREDS;
  const headers: Record<string, string> = creds ? { authorization: `Basic ${Buffer.from(creds).toString('base64')}` } : {};
  const res = await request(url, { headers, dispatcher: agent });
  const body = (await res.body.json()) as { token?: string; access_token?: string };
  return body.token ?? body.access_token;
}

async function head(ref: string): Promise<void> {
  const slash = ref.indexOf('/');
  const colon = ref.lastIndexOf(':');
  const host = ref.slice(0, slash);
  const repository = ref.slice(slash + 1, colon);
  const key = `${host}/${repository}`;
  if (!tokens.has(key)) tokens.set(key, tokenFor(host, repository));
  const token = await tokens.get(key)!;
  const res = await request(`http://${host}/v2/${repository}/manifests/${ref.slice(colon + 1)}`, {
    method: 'HEAD', reset: false, dispatcher: agent,
    headers: { accept: ACCEPT, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  await res.body.dump();
  if (res.statusCode !== 200 || !res.headers['docker-content-digest']) throw new Error(`HEAD ${ref}: ${res.statusCode}`);
}

const [file, concurrency] = process.argv.slice(2);
if (file) {
  const refs = JSON.parse(readFileSync(file, 'utf8')) as string[];
  let next = 0;
  const lane = async () => {
    while (next < refs.length) await head(refs[next++]!);
  };
  await Promise.all(Array.from({ length: Number(concurrency ?? 16) }, lane));
  await agent.close();
  process.stdout.write(`${refs.length}\n`);
}
