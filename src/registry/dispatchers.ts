import { rootCertificates } from 'node:tls';

import type { Dispatcher } from 'undici';

import { Agent, EnvHttpProxyAgent } from '../http/undici.js';
import type { HostPolicy } from './endpoint.js';

/** Timeouts in milliseconds for connecting, for the response headers, between body chunks, and for the whole exchange. */
export interface Timeouts {
  connectMs?: number;
  headersMs?: number;
  bodyMs?: number;
  /** totalMs is a deadline for one whole exchange (connect, headers and body), so a trickling server cannot stall a run. */
  totalMs?: number;
}

/** DEFAULT_TIMEOUTS holds the timeout defaults (10 s connect, 30 s headers, 60 s body idle, 120 s per exchange). */
export const DEFAULT_TIMEOUTS: Required<Timeouts> = { connectMs: 10_000, headersMs: 30_000, bodyMs: 60_000, totalMs: 120_000 };

/** DispatcherOptions configures how connections are made when no dispatcher is injected. */
export interface DispatcherOptions {
  /** dispatcher, when given, carries every request; TLS, CA and proxy options are then the caller's business. */
  dispatcher?: Dispatcher;
  /** ca adds PEM certificates to Node's bundled roots (NODE_EXTRA_CA_CERTS is not merged in when set). */
  ca?: string | string[];
  policy: HostPolicy;
  /** env supplies HTTPS_PROXY / HTTP_PROXY / NO_PROXY (upper or lower case). */
  env?: Record<string, string | undefined>;
  timeouts: Required<Timeouts>;
  /** connectionsPerOrigin bounds the keep-alive pool of each origin. */
  connectionsPerOrigin: number;
}

interface ProxyEnv {
  httpProxy: string;
  httpsProxy: string;
  noProxy: string;
}

/** proxyEnv reads proxy settings from an injected env; undefined when no proxy is set. */
export function proxyEnv(env: Record<string, string | undefined> = {}): ProxyEnv | undefined {
  const pick = (name: string): string => env[name.toLowerCase()] ?? env[name] ?? '';
  const httpProxy = pick('HTTP_PROXY');
  const httpsProxy = pick('HTTPS_PROXY');
  if (!httpProxy && !httpsProxy) return undefined;
  return { httpProxy, httpsProxy, noProxy: pick('NO_PROXY') };
}

/**
 * DispatcherSet hands out the dispatcher for a URL: the injected one, or one of two lazily
 * built agents (verified TLS, or unverified for insecure hosts only). Each agent keeps one
 * keep-alive Pool per origin; with a proxy configured it is an EnvHttpProxyAgent.
 */
export class DispatcherSet {
  private verified?: Dispatcher;
  private unverified?: Dispatcher;

  constructor(private readonly options: DispatcherOptions) {}

  /** for returns the dispatcher to use for `url`. */
  for(url: URL): Dispatcher {
    if (this.options.dispatcher) return this.options.dispatcher;
    if (url.protocol === 'https:' && this.options.policy.skipTlsVerify(url.host)) {
      this.unverified ??= this.build(false);
      return this.unverified;
    }
    this.verified ??= this.build(true);
    return this.verified;
  }

  /** close closes the agents this set built (never an injected dispatcher). */
  async close(): Promise<void> {
    const owned = [this.verified, this.unverified].filter((d): d is Dispatcher => d !== undefined);
    this.verified = undefined;
    this.unverified = undefined;
    await Promise.all(owned.map((d) => d.close()));
  }

  private build(verify: boolean): Dispatcher {
    const { ca, env, timeouts, connectionsPerOrigin } = this.options;
    const extra = ca === undefined ? [] : Array.isArray(ca) ? ca : [ca];
    const tls = {
      rejectUnauthorized: verify,
      ...(verify && extra.length > 0 ? { ca: [...rootCertificates, ...extra] } : {}),
    };
    const common = {
      connections: connectionsPerOrigin,
      keepAliveTimeout: 30_000,
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
      connect: { ...tls, timeout: timeouts.connectMs },
    };
    const proxy = proxyEnv(env);
    if (!proxy) return new Agent(common);
    // requestTls is the TLS to the registry through the tunnel; proxyTls is the TLS to the proxy.
    return new EnvHttpProxyAgent({ ...common, ...proxy, requestTls: tls, proxyTls: { ca: tls.ca } });
  }
}
