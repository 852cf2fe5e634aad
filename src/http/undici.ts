// The parts of undici digestpin uses, loaded from undici's own modules rather than its index.
// undici's index also builds fetch, WebSocket, EventSource, the cache stores and the mocks, and
// its cookie module touches `globalThis.Headers`, which makes Node load its own bundled copy of
// undici as well. Measured on this machine (issue 13): requiring the index took ~100 ms and
// 9.5 MB of heap (RSS 61 MB); these modules take ~30 ms and 6 MB (RSS 52 MB), on every command
// that talks to a registry or a forge. The modules are the same files the index requires, so a
// MockAgent from `undici` (tests) and these Agents share one module graph.
// test/http/undici.test.ts checks these paths against the installed undici.
import { createRequire } from 'node:module';

import type * as Undici from 'undici';

const require = createRequire(import.meta.url);

/** Agent is undici's Agent (a keep-alive Pool per origin). */
export const Agent = require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;

/** EnvHttpProxyAgent is undici's Agent that honours HTTP(S)_PROXY and NO_PROXY. */
export const EnvHttpProxyAgent = require('undici/lib/dispatcher/env-http-proxy-agent.js') as typeof Undici.EnvHttpProxyAgent;

type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & {
  method?: Undici.Dispatcher.HttpMethod;
  /** dispatcher carries the request; undici's global dispatcher when absent. */
  dispatcher?: Undici.Dispatcher;
};

const api = require('undici/lib/api/index.js') as {
  request: (this: Undici.Dispatcher, options: Undici.Dispatcher.RequestOptions) => Promise<Undici.Dispatcher.ResponseData>;
};

/**
 * request is undici's `request(url, options)`: it splits the URL into origin and path the way
 * undici's index does, and sends through `options.dispatcher` (or undici's global dispatcher).
 */
export function request(url: string | URL, options: RequestOptions = {}): Promise<Undici.Dispatcher.ResponseData> {
  const parsed = typeof url === 'string' ? new URL(url) : url;
  const { dispatcher = globalDispatcher(), ...rest } = options;
  return api.request.call(dispatcher, {
    ...rest,
    origin: parsed.origin,
    path: parsed.search ? `${parsed.pathname}${parsed.search}` : parsed.pathname,
    method: rest.method ?? (rest.body ? 'PUT' : 'GET'),
  });
}

function globalDispatcher(): Undici.Dispatcher {
  return (require('undici/lib/global.js') as { getGlobalDispatcher: () => Undici.Dispatcher }).getGlobalDispatcher();
}
