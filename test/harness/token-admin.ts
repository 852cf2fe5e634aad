import { type Dispatcher, request } from 'undici';
import type { TokenCounts } from './token-server.js';
import type { RegistryInfo } from './types.js';

/** TokenAdmin controls a token server from another process through its loopback /admin endpoints. */
export interface TokenAdmin {
  /** denyRepository revokes user's ('' = anonymous) access to repository for tokens issued from now on. */
  denyRepository(user: string, repository: string): Promise<void>;
  /** allowRepository undoes denyRepository. */
  allowRepository(user: string, repository: string): Promise<void>;
  /** counts reads the server's request counters. */
  counts(): Promise<TokenCounts>;
}

/** tokenAdmin returns a TokenAdmin for reg's token server; reg must be in token mode. */
export function tokenAdmin(reg: RegistryInfo, dispatcher: Dispatcher): TokenAdmin {
  const base = reg.tokenServer?.url;
  if (base === undefined) throw new Error(`harness: ${reg.host} (${reg.mode}) has no token server`);
  const post = async (path: string, user: string, repository: string) => {
    const res = await request(`${base}${path}`, {
      method: 'POST', dispatcher, headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user, repository }),
    });
    await res.body.dump();
    if (res.statusCode !== 204) throw new Error(`harness: POST ${path} answered ${res.statusCode}`);
  };
  return {
    denyRepository: (user, repository) => post('/admin/deny', user, repository),
    allowRepository: (user, repository) => post('/admin/allow', user, repository),
    counts: async () => {
      const res = await request(`${base}/admin/counts`, { dispatcher });
      return (await res.body.json()) as TokenCounts;
    },
  };
}
