import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AccessEntry, type KeyHeader, newClaims, signToken } from './jwt.js';
import { createSigningCert, type SigningCert } from './tls.js';

/** TokenServerOptions configure the token issuer (distribution docs/spec/auth/token.md and oauth.md). */
export interface TokenServerOptions {
  /** Directory for the signing certificate; a temp dir (removed by stop) when absent. */
  dir?: string;
  /** Serve HTTPS with this certificate; plain HTTP when absent. */
  tls?: { certPem: string; keyPem: string };
  service?: string;
  issuer?: string;
  /** username -> password; every user gets pull, push and delete on every repository unless denied. */
  users?: Record<string, string>;
  /** Token lifetime in seconds (default 300); the registry adds 60 s leeway on exp. */
  expiresIn?: number;
  /** JSON field(s) of the GET /token answer carrying the token (default 'token'). */
  tokenField?: 'token' | 'access_token' | 'both';
  /** Whether anonymous requests get pull access (default false: they get a token without access). */
  anonymousPull?: boolean;
  /** How the JWT names its key (default 'kid'); registry 2.8 accepts both. */
  keyHeader?: KeyHeader;
  /** Whether POST /token (OAuth2) is served (default true); false answers 404 as GCR does, so clients fall back to GET. */
  oauth?: boolean;
}

/** TokenServerInfo is the JSON-serialisable description of a token server. */
export interface TokenServerInfo {
  url: string;
  /** The realm the registry advertises: `${url}/token`. */
  realm: string;
  service: string;
  issuer: string;
  /** username -> a refresh token accepted by POST /token grant_type=refresh_token. */
  refreshTokens: Record<string, string>;
}

/** TokenCounts counts token requests: by method, and by repository named in a scope. */
export interface TokenCounts {
  get: number;
  post: number;
  byRepository: Record<string, number>;
}

/** RunningTokenServer is a live token server with runtime access control. */
export interface RunningTokenServer extends TokenServerInfo {
  signer: SigningCert;
  counts: TokenCounts;
  /** denyRepository revokes every action of user ('' = anonymous) on repository for tokens issued from now on. */
  denyRepository(user: string, repository: string): void;
  /** allowRepository undoes denyRepository. */
  allowRepository(user: string, repository: string): void;
  stop(): Promise<void>;
}

const USER_ACTIONS = ['pull', 'push', 'delete', '*'];

/** TokenError is an error answer with a status and an OAuth2-style error code. */
class TokenError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** safeEqual compares secrets in constant time. */
function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** parseScope splits `type:name:actions`; the name may contain ':' (e.g. a host:port), so split at both ends (scope.md). */
function parseScope(scope: string): AccessEntry | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last <= first) return undefined;
  const actions = scope.slice(last + 1).split(',').filter((a) => a !== '');
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions };
}

/** readBody collects a request body as text. */
async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** sendJson writes a JSON answer. */
function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

type Config = Required<Omit<TokenServerOptions, 'dir' | 'tls'>>;

/** TokenService holds the issuer's state and answers its HTTP endpoints. */
class TokenService {
  readonly denied = new Set<string>();
  readonly counts: TokenCounts = { get: 0, post: 0, byRepository: {} };
  readonly refreshTokens: Record<string, string> = {};
  private readonly refreshByToken = new Map<string, string>();

  constructor(readonly cfg: Config, readonly signer: SigningCert) {
    for (const user of Object.keys(cfg.users)) {
      const token = `refresh-${user}-${randomBytes(12).toString('hex')}`;
      this.refreshTokens[user] = token;
      this.refreshByToken.set(token, user);
    }
  }

  /** checkPassword returns user when the password matches, else throws (401 for Basic, 400 invalid_grant for OAuth2). */
  checkPassword(user: string, password: string, status = 401): string {
    const expected = this.cfg.users[user];
    if (expected === undefined || !safeEqual(expected, password)) {
      throw new TokenError(status, status === 401 ? 'UNAUTHORIZED' : 'invalid_grant', `bad credentials for "${user}"`);
    }
    return user;
  }

  /** grant intersects the requested scopes with what user ('' = anonymous) may do; never an error (token.md). */
  grant(user: string, scopes: string[]): AccessEntry[] {
    const access: AccessEntry[] = [];
    for (const entry of scopes.flatMap((s) => s.split(' ')).filter((s) => s !== '').map(parseScope)) {
      if (entry === undefined) throw new TokenError(400, 'invalid_scope', 'malformed scope');
      let allowed: string[] = [];
      if (entry.type === 'repository') {
        this.counts.byRepository[entry.name] = (this.counts.byRepository[entry.name] ?? 0) + 1;
        if (!this.denied.has(`${user}\n${entry.name}`)) {
          allowed = user === '' ? (this.cfg.anonymousPull ? ['pull'] : []) : USER_ACTIONS;
        }
      } else if (entry.type === 'registry' && entry.name === 'catalog' && user !== '') {
        allowed = ['*'];
      }
      access.push({ ...entry, actions: entry.actions.filter((a) => allowed.includes(a)) });
    }
    return access;
  }

  /** issue signs a token for user and describes it the OAuth2 way. */
  issue(user: string, scopes: string[]) {
    const access = this.grant(user, scopes);
    const claims = newClaims({ ...this.cfg, sub: user, access });
    const token = signToken(claims, this.signer.keyPem, this.signer.certPem, this.cfg.keyHeader);
    const scope = access.filter((a) => a.actions.length > 0).map((a) => `${a.type}:${a.name}:${a.actions.join(',')}`);
    return { token, scope: scope.join(' '), expires_in: this.cfg.expiresIn, issued_at: new Date().toISOString() };
  }

  checkService(service: string | null): void {
    if (service !== this.cfg.service) throw new TokenError(400, 'invalid_request', `unknown service "${service ?? ''}"`);
  }

  /** basicUser returns the user of an optional Basic Authorization header ('' when absent). */
  basicUser(auth: string | undefined): string {
    if (auth === undefined) return '';
    const match = /^Basic\s+(\S+)$/i.exec(auth);
    const decoded = match === null ? '' : Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new TokenError(401, 'UNAUTHORIZED', 'unsupported Authorization header');
    return this.checkPassword(decoded.slice(0, colon), decoded.slice(colon + 1));
  }

  /** handleGet serves GET /token with optional Basic auth (token.md); offline_token=true adds a refresh token. */
  handleGet(req: IncomingMessage, url: URL, res: ServerResponse): void {
    this.counts.get++;
    this.checkService(url.searchParams.get('service'));
    const user = this.basicUser(req.headers.authorization);
    const { token, expires_in, issued_at } = this.issue(user, url.searchParams.getAll('scope'));
    const field = this.cfg.tokenField;
    const fields = field === 'both' ? { token, access_token: token } : { [field]: token };
    const offline = url.searchParams.get('offline_token') === 'true' && user !== '';
    sendJson(res, 200, { ...fields, expires_in, issued_at, ...(offline ? { refresh_token: this.refreshTokens[user] } : {}) });
  }

  /** handlePost serves POST /token with grant_type password or refresh_token (oauth.md). */
  async handlePost(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.counts.post++;
    const form = new URLSearchParams(await readBody(req));
    this.checkService(form.get('service'));
    const grantType = form.get('grant_type');
    let user: string | undefined;
    if (grantType === 'password') {
      user = this.checkPassword(form.get('username') ?? '', form.get('password') ?? '', 400);
    } else if (grantType === 'refresh_token') {
      user = this.refreshByToken.get(form.get('refresh_token') ?? '');
      if (user === undefined) throw new TokenError(400, 'invalid_grant', 'unknown refresh token');
    } else {
      throw new TokenError(400, 'unsupported_grant_type', `unsupported grant_type "${grantType ?? ''}"`);
    }
    const { token, ...rest } = this.issue(user, form.getAll('scope'));
    // oauth.md: a refresh token comes back for access_type=offline, and the same one on refresh.
    const refresh = grantType === 'refresh_token' || form.get('access_type') === 'offline';
    sendJson(res, 200, { access_token: token, ...rest, ...(refresh ? { refresh_token: this.refreshTokens[user] } : {}) });
  }

  /** handleAdmin serves the loopback control endpoints for tests in other processes (see token-admin.ts). */
  async handleAdmin(req: IncomingMessage, path: string, res: ServerResponse): Promise<void> {
    if (req.method === 'GET' && path === '/admin/counts') return sendJson(res, 200, this.counts);
    if (req.method === 'POST' && (path === '/admin/deny' || path === '/admin/allow')) {
      const { user, repository } = JSON.parse(await readBody(req)) as { user: string; repository: string };
      if (path === '/admin/deny') this.denied.add(`${user}\n${repository}`);
      else this.denied.delete(`${user}\n${repository}`);
      return void res.writeHead(204).end();
    }
    sendJson(res, 404, { error: 'not_found' });
  }

  /** handle routes one request and turns TokenErrors into JSON error answers. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    try {
      if (url.pathname === '/token' && req.method === 'GET') this.handleGet(req, url, res);
      else if (url.pathname === '/token' && req.method === 'POST' && this.cfg.oauth) await this.handlePost(req, res);
      else if (url.pathname.startsWith('/admin/')) await this.handleAdmin(req, url.pathname, res);
      else sendJson(res, 404, { error: 'not_found' });
    } catch (error) {
      const e = error instanceof TokenError ? error : new TokenError(500, 'server_error', String(error));
      const headers: Record<string, string> = e.status === 401 ? { 'www-authenticate': 'Basic realm="digestpin token server"' } : {};
      sendJson(res, e.status, { error: e.code, error_description: e.message }, headers);
    }
  }
}

/** startTokenServer starts a token issuer on 127.0.0.1:0 with a fresh ES256 signing certificate. */
export async function startTokenServer(opts: TokenServerOptions = {}): Promise<RunningTokenServer> {
  const ownDir = opts.dir === undefined ? await mkdtemp(join(tmpdir(), 'digestpin-token-')) : undefined;
  const signer = await createSigningCert(opts.dir ?? ownDir!);
  const service = new TokenService({
    service: opts.service ?? 'digestpin-test-registry', issuer: opts.issuer ?? 'digestpin-test-issuer',
    users: opts.users ?? {}, expiresIn: opts.expiresIn ?? 300, tokenField: opts.tokenField ?? 'token',
    anonymousPull: opts.anonymousPull ?? false, keyHeader: opts.keyHeader ?? 'kid', oauth: opts.oauth ?? true,
  }, signer);
  const onRequest = (req: IncomingMessage, res: ServerResponse) => void service.handle(req, res);
  const server: Server = opts.tls
    ? createHttpsServer({ cert: opts.tls.certPem, key: opts.tls.keyPem }, onRequest)
    : createHttpServer(onRequest);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url, realm: `${url}/token`, service: service.cfg.service, issuer: service.cfg.issuer,
    refreshTokens: service.refreshTokens, signer, counts: service.counts,
    denyRepository: (user, repository) => void service.denied.add(`${user}\n${repository}`),
    allowRepository: (user, repository) => void service.denied.delete(`${user}\n${repository}`),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownDir !== undefined) await rm(ownDir, { recursive: true, force: true });
    },
  };
}
