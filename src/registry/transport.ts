import type { Credential, Keychain } from '../auth/types.js';
import { PinError } from '../errors.js';
import { ERROR_BODY_MAX } from './body.js';
import { challengeScopes, findChallenge, parseChallenges, type Challenge } from './challenge.js';
import type { Endpoint, HostPolicy } from './endpoint.js';
import { foreignChallenge, RegistryError, registryError, scrubSecrets } from './errors.js';
import { header, isCertificateError, type HttpResponse, type HttpSender } from './http.js';
import { retryAfterSeconds } from './retry.js';
import type { TokenService } from './token.js';
import type { KnownSecrets } from './secrets.js';

/** TransportRequest is an API request about one repository; the transport adds authentication. */
export interface TransportRequest {
  endpoint: Endpoint;
  method: 'GET' | 'HEAD';
  /** path is the API path, starting with `/v2/`. */
  path: string;
  headers?: Record<string, string>;
  kind: 'manifest' | 'blob' | 'tags';
  maxBodyBytes: number;
  /** reference is the image reference text, for messages. */
  reference: string;
}

/** TransportOptions are the collaborators of Transport. */
export interface TransportOptions {
  http: HttpSender;
  tokens: TokenService;
  policy: HostPolicy;
  keychain?: Keychain;
  now: () => number;
  log?: (line: string) => void;
  /** secrets collects credential secrets (and encodings) so error text can be scrubbed. */
  secrets: KnownSecrets;
}

/** Ping is what `GET /v2/` taught about a registry host: the base URL and its challenges. */
interface Ping {
  base: string;
  challenges: Challenge[];
}

interface Authorization {
  kind: 'none' | 'basic' | 'bearer' | 'registry-token';
  header?: string;
  cached?: boolean;
}

/**
 * Transport owns authentication (STYLE rule 3): one shared ping per registry host, Basic or
 * Bearer per the challenge, credential candidates tried in order (kubelet keyring
 * semantics), one token refresh on 401, and scope upgrades on `insufficient_scope`.
 */
export class Transport {
  private readonly pings = new Map<string, Promise<Ping>>();
  private readonly credentials = new Map<string, Promise<Credential[]>>();
  private readonly accepted = new Map<string, number>();
  private readonly scopes = new Map<string, Set<string>>();

  constructor(private readonly o: TransportOptions) {}

  /** request sends `req` authenticated and returns the answer; auth failures throw UNAUTHORIZED or DENIED. */
  async request(req: TransportRequest): Promise<HttpResponse> {
    const ping = await this.ping(req.endpoint, req.reference);
    const found = await this.candidates(req.endpoint);
    const candidates: Array<Credential | undefined> = found.length > 0 ? found : [undefined];
    const key = repoKey(req.endpoint);
    // Start with the candidate that worked for this repository, else for this registry.
    const first = this.accepted.get(key) ?? this.accepted.get(req.endpoint.registry) ?? 0;
    const order = [first, ...candidates.keys()].filter((i, n, all) => all.indexOf(i) === n);
    const tried: string[] = [];
    let last: HttpResponse | RegistryError | undefined;
    for (const index of order) {
      const credential = candidates[index];
      try {
        const { response, sent } = await this.attempt(req, ping, credential);
        if (response.status !== 401 && response.status !== 403) {
          this.accepted.set(key, index);
          this.accepted.set(req.endpoint.registry, index);
          return response;
        }
        last = response;
        if (!sent) {
          // No challenge this credential can answer: every other candidate would send the same request.
          tried.push('anonymous');
          break;
        }
      } catch (error) {
        if (!(error instanceof RegistryError) || (error.code !== 'UNAUTHORIZED' && error.code !== 'DENIED')) {
          throw scrubSecrets(error, this.o.secrets.scrub);
        }
        last = error;
      }
      tried.push(credential ? credential.source : 'anonymous');
      this.o.log?.(`registry ${req.endpoint.registry}: credential ${tried.at(-1)} was not accepted`);
    }
    throw scrubSecrets(this.authFailure(req, tried, found.length === 0, last), this.o.secrets.scrub);
  }

  /** attempt sends the request with one credential, refreshing the token or widening scopes once. */
  private async attempt(req: TransportRequest, ping: Ping, credential: Credential | undefined): Promise<{ response: HttpResponse; sent: boolean }> {
    const url = new URL(req.path, ping.base);
    let auth = await this.authorize(req, ping.challenges, credential, false);
    const response = await this.send(req, url, auth);
    if (response.status !== 401 && response.status !== 403) return { response, sent: auth.kind !== 'none' };
    const challenges = parseChallenges(response.headers['www-authenticate']);
    if (challenges.length > 0 && response.url.origin !== url.origin) throw foreignChallenge(req.endpoint, url, response.url, req.reference);
    const bearer = findChallenge(challenges, 'bearer');
    const known = this.repoScopes(req.endpoint);
    const asked = new Set(this.scopesFor(req, findChallenge(ping.challenges, 'bearer')));
    const wanted = bearer?.params['error'] === 'insufficient_scope' ? challengeScopes(bearer).filter((s) => !asked.has(s)) : [];
    const refresh = response.status === 401 && auth.kind === 'bearer' && auth.cached === true;
    // The ping said "open" but this resource wants auth: adopt the resource's challenge.
    const adopt = auth.kind === 'none' && challenges.length > 0 && response.status === 401;
    if (wanted.length === 0 && !refresh && !adopt) return { response, sent: auth.kind !== 'none' };
    for (const scope of wanted) known.add(scope);
    if (adopt) ping.challenges = challenges;
    auth = await this.authorize(req, adopt ? challenges : ping.challenges, credential, true);
    if (auth.kind === 'none') return { response, sent: false };
    return { response: await this.send(req, url, auth), sent: true };
  }

  /** authorize computes the Authorization header for a credential under the given challenges. */
  private async authorize(req: TransportRequest, challenges: Challenge[], credential: Credential | undefined, fresh: boolean): Promise<Authorization> {
    // A docker `registrytoken` is a bearer token to send as is (docker/cli types/authconfig.go).
    if (credential?.registryToken) return { kind: 'registry-token', header: `Bearer ${credential.registryToken}` };
    const bearer = findChallenge(challenges, 'bearer');
    const { endpoint } = req;
    if (bearer) {
      const realm = bearer.params['realm'];
      if (!realm) throw new PinError('TOKEN_ERROR', `registry ${endpoint.registry}: bearer challenge has no realm (reference ${req.reference})`);
      const service = bearer.params['service'];
      const token = await this.o.tokens.get({
        realm, scopes: this.scopesFor(req, bearer), credential, fresh,
        registry: endpoint.registry, host: endpoint.host, reference: req.reference,
        ...(service === undefined ? {} : { service }),
      });
      return { kind: 'bearer', header: `Bearer ${token.token}`, cached: token.cached };
    }
    if (findChallenge(challenges, 'basic') && credential?.username !== undefined && credential.password !== undefined) {
      const basic = Buffer.from(`${credential.username}:${credential.password}`).toString('base64');
      return { kind: 'basic', header: `Basic ${basic}` };
    }
    return { kind: 'none' };
  }

  private send(req: TransportRequest, url: URL, auth: Authorization): Promise<HttpResponse> {
    const headers = { ...req.headers, ...(auth.header ? { authorization: auth.header } : {}) };
    const { registry } = req.endpoint;
    return this.o.http.send({ url, method: req.method, headers, kind: req.kind, registry, reference: req.reference, maxBodyBytes: req.maxBodyBytes });
  }

  /** ping runs `GET /v2/` once per host; concurrent callers share it, failures are not cached. */
  private ping(endpoint: Endpoint, reference: string): Promise<Ping> {
    let pending = this.pings.get(endpoint.host);
    if (!pending) {
      // The ping is registry-wide and shared: its errors name the registry, never the reference that happened to start it.
      pending = this.doPing(endpoint, undefined);
      pending.catch(() => this.pings.delete(endpoint.host));
      this.pings.set(endpoint.host, pending);
    }
    return pending;
  }

  /** doPing tries https, then plain http when the host allows it (as docker does), unless TLS failed on the certificate. */
  private async doPing(endpoint: Endpoint, reference: string | undefined): Promise<Ping> {
    const schemes = this.o.policy.allowHttp(endpoint.host) ? ['https', 'http'] : ['https'];
    for (const [i, scheme] of schemes.entries()) {
      const url = new URL(`${scheme}://${endpoint.host}/v2/`);
      const last = i === schemes.length - 1;
      let response: HttpResponse;
      try {
        response = await this.o.http.send({
          url, method: 'GET', headers: {}, kind: 'ping', registry: endpoint.registry, reference,
          maxBodyBytes: ERROR_BODY_MAX, ...(last ? {} : { attempts: 1 }),
        });
      } catch (error) {
        if (last || (error instanceof PinError && isCertificateError(error.cause))) throw error;
        this.o.log?.(`registry ${endpoint.registry}: https ping failed (${(error as Error).message}); trying http`);
        continue;
      }
      return this.readPing(response, endpoint, reference, url);
    }
    throw new PinError('NETWORK', `registry ${endpoint.registry}: no scheme to try`);
  }

  private readPing(response: HttpResponse, endpoint: Endpoint, reference: string | undefined, url: URL): Ping {
    const base = url.origin;
    if (response.status === 401) {
      const challenges = parseChallenges(response.headers['www-authenticate']);
      // The ping is shared by every repository of the host: a foreign origin must not choose its realm.
      if (challenges.length > 0 && response.url.origin !== base) throw foreignChallenge(endpoint, url, response.url, reference);
      return { base, challenges };
    }
    if (response.status === 429 || response.status >= 500) {
      throw registryError({
        registry: endpoint.registry, reference, method: 'GET', url: response.url, status: response.status, body: response.body,
        ...retryAfterSeconds(response.status, header(response.headers, 'retry-after'), this.o.now()),
        scrub: this.o.secrets.scrub,
      });
    }
    if (response.status < 200 || response.status >= 300) {
      this.o.log?.(`registry ${endpoint.registry}: ping answered ${response.status}; continuing without a challenge`);
    }
    return { base, challenges: [] };
  }

  private candidates(endpoint: Endpoint): Promise<Credential[]> {
    const { keychain } = this.o;
    if (!keychain) return Promise.resolve([]);
    const key = repoKey(endpoint);
    let pending = this.credentials.get(key);
    if (!pending) {
      pending = keychain.lookup({ registry: endpoint.registry, repository: endpoint.repository }).then((list) => {
        for (const credential of list) this.o.secrets.addCredential(credential);
        return list;
      });
      pending.catch(() => this.credentials.delete(key));
      this.credentials.set(key, pending);
    }
    return pending;
  }

  /** scopesFor lists the scopes to ask for: pull on the repository, the challenge's, and any learned from insufficient_scope. */
  private scopesFor(req: TransportRequest, bearer: Challenge | undefined): string[] {
    const scopes = [`repository:${req.endpoint.repository}:pull`, ...challengeScopes(bearer), ...this.repoScopes(req.endpoint)];
    return [...new Set(scopes)];
  }

  private repoScopes(endpoint: Endpoint): Set<string> {
    const key = repoKey(endpoint);
    let set = this.scopes.get(key);
    if (!set) {
      set = new Set();
      this.scopes.set(key, set);
    }
    return set;
  }

  /** authFailure builds the UNAUTHORIZED/DENIED error naming registry, reference and every credential source tried. */
  private authFailure(req: TransportRequest, tried: string[], anonymousOnly: boolean, last: HttpResponse | RegistryError | undefined): RegistryError {
    const where = this.o.keychain ? ` by ${this.o.keychain.describe()}` : '';
    const hint = anonymousOnly ? `; no credentials were found${where} — the repository may be private or not exist` : '';
    const detail = `tried ${tried.join(', ')}${hint}`;
    const { registry } = req.endpoint;
    if (last instanceof RegistryError) {
      const ctx = { registry, method: last.method, url: last.url, status: last.status };
      return new RegistryError(last.code, `${last.message} — ${detail}`, ctx, last.codes);
    }
    const status = last?.status ?? 401;
    const error = registryError({ registry, reference: req.reference, method: req.method, url: last?.url ?? req.path, status, ...(last ? { body: last.body } : {}), detail, scrub: this.o.secrets.scrub });
    // A token was issued for the credential but the registry still wants a wider scope: the
    // login works, it just has no pull access to this repository (distribution auth/token.md).
    if (!anonymousOnly && last && /error="?insufficient_scope/i.test(header(last.headers, 'www-authenticate') ?? '')) {
      return new RegistryError('DENIED', `${error.message}: the credential was accepted but has no pull access to ${req.endpoint.repository}`, { registry, method: req.method, url: last.url, status }, error.codes);
    }
    return error;
  }
}

function repoKey(endpoint: Endpoint): string {
  return `${endpoint.registry}|${endpoint.repository}`;
}

