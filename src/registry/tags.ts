// Tag listing over the OCI distribution API (distribution-spec spec.md "Listing Tags"):
// `GET /v2/<name>/tags/list?n=<int>`, then follow `Link: <…?n=…&last=…>; rel="next"` until
// there is none. Requests go through the same Transport as manifests, so credentials,
// retries, timeouts and concurrency limits are the same.
import { PinError } from '../errors.js';
import type { ImageReference } from '../reference/types.js';
import { MANIFEST_BODY_MAX } from './body.js';
import type { Endpoint } from './endpoint.js';
import { header, type HttpResponse } from './http.js';
import type { TransportRequest } from './transport.js';

/** TAGS_PAGE_SIZE is the `n` asked for per page (registries may send fewer). */
export const TAGS_PAGE_SIZE = 1000;
/** TAGS_MAX_PAGES bounds one listing, so a registry cannot keep a run paging forever. */
export const TAGS_MAX_PAGES = 200;
/** TAGS_MAX is the most tags one repository may list. */
export const TAGS_MAX = 100_000;

/** TagListerDeps are the client's collaborators a TagLister uses. */
export interface TagListerDeps {
  request: (req: TransportRequest) => Promise<HttpResponse>;
  endpoint: (ref: ImageReference) => Endpoint;
  /** fail turns a non-success answer into the client's RegistryError. */
  fail: (ref: ImageReference, response: HttpResponse) => Error;
}

/** TagLister lists a repository's tags, once per repository for its lifetime (concurrent callers share). */
export class TagLister {
  private readonly listings = new Map<string, Promise<string[]>>();

  constructor(private readonly deps: TagListerDeps) {}

  /** list returns every tag of the repository of `ref`, in the registry's order. */
  list(ref: ImageReference): Promise<string[]> {
    const endpoint = this.deps.endpoint(ref);
    const key = `${endpoint.host}/${endpoint.repository}`;
    let pending = this.listings.get(key);
    if (!pending) {
      pending = this.fetchAll(ref, endpoint);
      this.listings.set(key, pending);
    }
    return pending;
  }

  private async fetchAll(ref: ImageReference, endpoint: Endpoint): Promise<string[]> {
    const where = `registry ${endpoint.registry}: tags of ${endpoint.repository}`;
    const base = `/v2/${endpoint.repository}/tags/list`;
    const tags: string[] = [];
    const seen = new Set<string>();
    let path: string | undefined = `${base}?n=${TAGS_PAGE_SIZE}`;
    for (let page = 0; path !== undefined; page++) {
      if (page >= TAGS_MAX_PAGES) throw new PinError('REGISTRY_ERROR', `${where}: more than ${TAGS_MAX_PAGES} pages; refusing to page further`);
      if (seen.has(path)) throw new PinError('REGISTRY_ERROR', `${where}: the Link header points back to a page already read (${path})`);
      seen.add(path);
      const response = await this.deps.request({
        endpoint, method: 'GET', path, headers: { accept: 'application/json' }, kind: 'tags', maxBodyBytes: MANIFEST_BODY_MAX, reference: ref.toString(),
      });
      if (response.status < 200 || response.status >= 300) throw this.deps.fail(ref, response);
      tags.push(...readPage(response.body, where));
      if (tags.length > TAGS_MAX) throw new PinError('REGISTRY_ERROR', `${where}: more than ${TAGS_MAX} tags; refusing to list further`);
      path = nextPage(header(response.headers, 'link'), endpoint, base, where);
    }
    return [...new Set(tags)];
  }
}

/** readPage reads `{"name": …, "tags": [...]}`; `tags: null` (an empty repository on some registries) is no tags. */
export function readPage(body: Buffer, where: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new PinError('REGISTRY_ERROR', `${where}: the tag list is not JSON`);
  }
  const tags = (json as { tags?: unknown } | null)?.tags;
  if (tags === null || tags === undefined) return [];
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) {
    throw new PinError('REGISTRY_ERROR', `${where}: "tags" in the tag list is not a list of strings`);
  }
  return tags as string[];
}

/**
 * nextPage reads the `rel="next"` target of a Link header (RFC 8288). It must be the same
 * tags/list path on the same host: a registry may not steer the client (and its
 * credentials) anywhere else.
 */
export function nextPage(link: string | undefined, endpoint: Endpoint, base: string, where: string): string | undefined {
  if (!link) return undefined;
  const next = link.split(',').map((part) => /^\s*<([^>]*)>\s*;(.*)$/.exec(part)).find((m) => m && /(?:^|;)\s*rel="?next"?\s*(?:;|$)/i.test(m[2]!));
  if (!next) return undefined;
  let url: URL;
  try {
    url = new URL(next[1]!, `https://${endpoint.host}`);
  } catch {
    throw new PinError('REGISTRY_ERROR', `${where}: cannot read the Link header's next page ${JSON.stringify(next[1])}`);
  }
  if (url.host !== new URL(`https://${endpoint.host}`).host || url.pathname !== base) {
    throw new PinError('REGISTRY_ERROR', `${where}: the Link header's next page ${JSON.stringify(next[1])} is not this repository's tag list`);
  }
  return `${url.pathname}${url.search}`;
}
