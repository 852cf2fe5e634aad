import pLimit, { type LimitFunction } from 'p-limit';

/**
 * Limiter bounds concurrent HTTP exchanges globally and per registry. A task first waits
 * for its registry's slot, then for a global one, so a busy registry never holds global slots idle.
 */
export class Limiter {
  private readonly global: LimitFunction;
  private readonly perRegistry = new Map<string, LimitFunction>();

  constructor(
    globalConcurrency: number,
    private readonly registryConcurrency: number,
  ) {
    this.global = pLimit(Math.max(1, globalConcurrency));
  }

  /** run runs `task` once both the registry's and the global limit allow it. */
  run<T>(registry: string, task: () => Promise<T>): Promise<T> {
    let limit = this.perRegistry.get(registry);
    if (!limit) {
      limit = pLimit(Math.max(1, this.registryConcurrency));
      this.perRegistry.set(registry, limit);
    }
    return limit(() => this.global(task));
  }
}
