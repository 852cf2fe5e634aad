import type { RequestKind } from './errors.js';

/** KindCounts counts requests by kind. */
export type KindCounts = Record<RequestKind, number>;

/** ClientStats is a snapshot of the HTTP requests sent (every try counts, retries included). */
export interface ClientStats {
  total: number;
  byKind: KindCounts;
  byRegistry: Record<string, KindCounts>;
}

function zero(): KindCounts {
  return { ping: 0, token: 0, manifest: 0, blob: 0, tags: 0 };
}

/** RequestStats accumulates request counts by kind and registry. */
export class RequestStats {
  private readonly byRegistry = new Map<string, KindCounts>();

  /** count records one request. */
  count(registry: string, kind: RequestKind): void {
    let counts = this.byRegistry.get(registry);
    if (!counts) {
      counts = zero();
      this.byRegistry.set(registry, counts);
    }
    counts[kind]++;
  }

  /** snapshot returns a copy of the counts. */
  snapshot(): ClientStats {
    const byKind = zero();
    const byRegistry: Record<string, KindCounts> = {};
    let total = 0;
    for (const [registry, counts] of [...this.byRegistry].sort(([a], [b]) => a.localeCompare(b))) {
      byRegistry[registry] = { ...counts };
      for (const kind of Object.keys(counts) as RequestKind[]) {
        byKind[kind] += counts[kind];
        total += counts[kind];
      }
    }
    return { total, byKind, byRegistry };
  }
}
