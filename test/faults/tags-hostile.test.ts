// A hostile registry for `update --versions` (issue 16): a small server on 127.0.0.1 that
// answers the /v2/ ping and tag listing in bad ways. Every case ends with exit 2, the error
// naming the registry and repository, and the pinned file left as it was.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeTree } from '../helpers/cli.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
type Handler = (url: URL, res: ServerResponse) => void;
const servers: Array<{ close: () => void }> = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function hostile(tags: Handler): Promise<{ host: string; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    paths.push(`${url.pathname}${url.search}`);
    if (url.pathname === '/v2/') return void res.writeHead(200).end('{}');
    if (url.pathname.endsWith('/tags/list')) return tags(url, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, paths };
}

async function updateAgainst(host: string) {
  const dir = await tempDir();
  const text = `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: ${host}/team/app:1.2.3@${DIGEST}\n`;
  await writeTree(dir, { 'pod.yaml': text });
  const result = await runCli(['update', '--insecure-registry', host, '--retries', '0', '--versions', 'minor', '--no-lock', '.'], { cwd: dir });
  expect(result.code).toBe(2);
  expect(await fs.readFile(path.join(dir, 'pod.yaml'), 'utf8')).toBe(text);
  return result;
}

const page = (res: ServerResponse, tags: string[], link?: string) =>
  res.writeHead(200, { 'content-type': 'application/json', ...(link ? { link } : {}) }).end(JSON.stringify({ name: 'team/app', tags }));

describe('update --versions against a hostile tag listing', () => {
  it('endless pagination stops after the page limit', async () => {
    const reg = await hostile((url, res) => {
      const n = Number(url.searchParams.get('last') ?? '0') + 1;
      page(res, [`0.0.${n}`], `</v2/team/app/tags/list?n=1&last=${n}>; rel="next"`);
    });
    const result = await updateAgainst(reg.host);
    expect(result.stderr).toContain(`registry ${reg.host}: tags of team/app: more than 200 pages`);
    expect(reg.paths.filter((p) => p.includes('tags/list'))).toHaveLength(200);
  });

  it('a Link to another host is refused and never followed', async () => {
    const other = await hostile((_url, res) => page(res, ['9.9.9']));
    const reg = await hostile((_url, res) => page(res, ['1.2.3'], `<http://${other.host}/v2/team/app/tags/list?last=1.2.3>; rel="next"`));
    const result = await updateAgainst(reg.host);
    expect(result.stderr).toContain("is not this repository's tag list");
    expect(other.paths).toEqual([]);
  });

  it('an oversized page is cut off (BODY_TOO_LARGE)', async () => {
    const reg = await hostile((_url, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"tags":["${'x'.repeat(5 * 1024 * 1024)}"]}`);
    });
    const result = await updateAgainst(reg.host);
    expect(result.stderr).toMatch(/exceeds \d+ bytes/);
  });

  it('a denied listing is a failure, not "up to date"', async () => {
    const reg = await hostile((_url, res) => res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'DENIED', message: 'no list for you' }] })));
    const result = await updateAgainst(reg.host);
    expect(result.stderr).toContain('listing tags for --versions');
    expect(result.stderr).toContain(`${reg.host}/team/app:1.2.3`);
  });
});
