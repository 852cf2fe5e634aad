// A stand-in Gitea/Forgejo API on 127.0.0.1: enough of /api/v1 for the pull-request flow,
// with an in-memory list of pull requests, and a record of every request it received.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** GiteaCall is one recorded request. */
export interface GiteaCall {
  method: string;
  path: string;
  authorization?: string;
  body?: Record<string, unknown>;
}

/** GiteaPullRecord is a pull request the stand-in holds. */
export interface GiteaPullRecord {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  labels: unknown[];
  reviewers: unknown[];
  assignees: unknown[];
}

/** GiteaStandIn is a running stand-in server for one repository `owner/repo`. */
export interface GiteaStandIn {
  apiUrl: string;
  calls: GiteaCall[];
  pulls: GiteaPullRecord[];
  close(): Promise<void>;
}

/** startGiteaStandIn starts the stand-in on 127.0.0.1 (a free port). */
export async function startGiteaStandIn(repository: string): Promise<GiteaStandIn> {
  const calls: GiteaCall[] = [];
  const pulls: GiteaPullRecord[] = [];
  const prefix = `/api/v1/repos/${repository}`;
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      calls.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), ...(body ? { body } : {}) });
      route(req.method ?? '', url, body, res);
    });
  });
  const web = (n: number) => `http://gitea.example/${repository}/pulls/${n}`;
  const json = (p: GiteaPullRecord) => ({ number: p.number, html_url: web(p.number), title: p.title, body: p.body, head: { ref: p.head }, base: { ref: p.base } });
  function route(method: string, url: URL, body: Record<string, unknown> | undefined, res: ServerResponse): void {
    const send = (status: number, data: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(data));
    };
    const path = url.pathname;
    const pullNumber = /\/(?:pulls|issues)\/(\d+)/.exec(path)?.[1];
    const pull = pullNumber === undefined ? undefined : pulls.find((p) => p.number === Number(pullNumber));
    if (method === 'GET' && path === `${prefix}/pulls`) {
      const page = Number(url.searchParams.get('page') ?? '1');
      const limit = Number(url.searchParams.get('limit') ?? '30');
      return send(200, pulls.slice((page - 1) * limit, page * limit).map(json));
    }
    if (method === 'POST' && path === `${prefix}/pulls`) {
      if (pulls.some((p) => p.head === body?.head)) return send(409, { message: 'pull request already exists for these targets' });
      const created: GiteaPullRecord = { number: pulls.length + 1, title: String(body?.title), body: String(body?.body), head: String(body?.head), base: String(body?.base), labels: [], reviewers: [], assignees: [] };
      pulls.push(created);
      return send(201, json(created));
    }
    if (!pull) return send(404, { message: 'not found' });
    if (method === 'PATCH' && path === `${prefix}/pulls/${pull.number}`) {
      pull.title = String(body?.title);
      pull.body = String(body?.body);
      return send(201, json(pull));
    }
    if (method === 'POST' && path === `${prefix}/issues/${pull.number}/labels`) {
      pull.labels.push(...((body?.labels as unknown[]) ?? []));
      return send(200, []);
    }
    if (method === 'POST' && path === `${prefix}/pulls/${pull.number}/requested_reviewers`) {
      pull.reviewers.push(...((body?.reviewers as unknown[]) ?? []));
      return send(201, []);
    }
    if (method === 'PATCH' && path === `${prefix}/issues/${pull.number}`) {
      pull.assignees.push(...((body?.assignees as unknown[]) ?? []));
      return send(201, {});
    }
    return send(404, { message: 'not found' });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/v1`,
    calls,
    pulls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
}
