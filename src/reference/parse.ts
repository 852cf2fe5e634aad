import { digestProblem } from './digest.js';
import { ReferenceError, quote, referenceError } from './errors.js';
import {
  NAME_TOTAL_LENGTH_MAX,
  TAG,
  anchoredDomain,
  anchoredIdentifier,
  anchoredPathComponent,
  anchoredTag,
} from './grammar.js';
import { NormalizedReference } from './image-reference.js';
import { DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX, splitDockerDomain } from './normalize.js';
import type { ImageReference } from './types.js';

/** ParseOptions tune parseReference. */
export interface ParseOptions {
  /** defaultDomain is the registry for names that do not start with one (default `docker.io`). */
  defaultDomain?: string;
}

/** RestParts are path, tag and digest as written, with the offset of each in the original text. */
interface RestParts {
  path: string;
  pathOffset: number;
  tag?: string;
  tagOffset: number;
  digest?: string;
}

/**
 * parseReference parses an image reference with the semantics of
 * distribution/reference ParseNormalizedNamed
 * (https://github.com/distribution/reference/blob/main/normalize.go): Docker
 * Hub names are expanded (`nginx` is `docker.io/library/nginx`), a tag and a
 * digest may both be present, and nothing is implied (no `latest`). It throws
 * a ReferenceError naming the offending part. Check isTemplated() first for
 * values such as `${REGISTRY}/app` that are not references at all.
 *
 * One deliberate difference: upstream accepts a first element that has a "."
 * but is no valid host (`foo_bar.com/app`) as a path with an empty domain;
 * such a reference cannot be pulled, so this parser rejects it.
 */
export function parseReference(input: string, options: ParseOptions = {}): ImageReference {
  if (input === '') throw referenceError('empty', input, 'empty reference');
  if (anchoredIdentifier.test(input)) {
    // ParseNormalizedNamed: "cannot specify 64-byte hexadecimal strings".
    throw referenceError('name', input, 'a 64-character hex string is an image ID, not a repository name');
  }
  const split = splitDockerDomain(input, checkDefaultDomain(options.defaultDomain));
  if (split.domainText !== undefined) checkDomain(input, split.domainText);
  const rest = splitRest(split.rest, split.restOffset);
  checkPath(input, rest.path, rest.pathOffset);
  if (rest.tag !== undefined) checkTag(input, rest.tag, rest.tagOffset);
  if (rest.digest !== undefined) checkDigest(input, rest.digest);
  const path = (split.libraryPrefix ? OFFICIAL_REPO_PREFIX : '') + rest.path;
  // The limit applies to the path, not the domain, since v0.6.0:
  // https://github.com/distribution/reference/pull/9
  if (path.length > NAME_TOTAL_LENGTH_MAX) {
    const detail = `name exceeds ${NAME_TOTAL_LENGTH_MAX} characters (repository path is ${path.length})`;
    throw referenceError('name', input, detail);
  }
  return new NormalizedReference({ original: input, domain: split.domain, path, tag: rest.tag, digest: rest.digest });
}

/** checkDefaultDomain validates the defaultDomain option. */
function checkDefaultDomain(domain: string | undefined): string {
  if (domain === undefined) return DEFAULT_DOMAIN;
  if (!anchoredDomain.test(domain)) {
    throw new ReferenceError('domain', domain, `invalid default domain ${quote(domain)}: ${domainProblem(domain, 0)}`);
  }
  return domain;
}

/** splitRest splits `path[:tag][@digest]`; paths have no ":" or "@", and tags no "@". */
function splitRest(rest: string, offset: number): RestParts {
  const at = rest.indexOf('@');
  const nameTag = at < 0 ? rest : rest.slice(0, at);
  const colon = nameTag.indexOf(':');
  const parts: RestParts = {
    path: colon < 0 ? nameTag : nameTag.slice(0, colon),
    pathOffset: offset,
    tagOffset: offset + colon + 1,
  };
  if (colon >= 0) parts.tag = nameTag.slice(colon + 1);
  if (at >= 0) parts.digest = rest.slice(at + 1);
  return parts;
}

/** checkDomain throws unless the registry matches host[:port]. */
function checkDomain(input: string, domain: string): void {
  if (anchoredDomain.test(domain)) return;
  const problem = input.startsWith(`${domain}//`)
    ? 'a URL is not an image reference (drop the scheme)'
    : domainProblem(domain, 0);
  throw referenceError('domain', input, `invalid domain ${quote(domain)}: ${problem}`);
}

/** domainProblem explains why a registry host does not match the grammar; offset locates it in the input. */
function domainProblem(domain: string, offset: number): string {
  if (domain.startsWith('[')) {
    const bad = badChar(domain, /[^a-fA-F0-9:[\]]/, offset);
    return bad ?? 'IPv6 hosts must be bracketed hex with an optional numeric port, e.g. "[::1]:5000"';
  }
  const colon = domain.indexOf(':');
  const host = colon < 0 ? domain : domain.slice(0, colon);
  const port = colon < 0 ? undefined : domain.slice(colon + 1);
  const bad = badChar(host, /[^a-zA-Z0-9.-]/, offset);
  if (bad) return bad;
  if (port !== undefined && port.includes(':')) return 'IPv6 addresses must be in brackets, e.g. "[fc00::1]:5000"';
  if (port !== undefined && !/^[0-9]+$/.test(port)) return `port ${quote(port)} must be numeric`;
  return 'host name labels must be non-empty and start and end with a letter or digit';
}

/** checkPath throws unless the repository path is lowercase path components joined by "/". */
function checkPath(input: string, path: string, offset: number): void {
  if (path === '') throw referenceError('path', input, 'repository name is empty');
  if (path.toLowerCase() !== path) {
    throw referenceError('path', input, `repository name must be lowercase (${quote(path)})`);
  }
  const bad = badChar(path, /[^a-z0-9._/-]/, offset);
  if (bad) throw referenceError('path', input, bad);
  let start = 0;
  for (const component of path.split('/')) {
    if (component === '') {
      const detail = `empty path component at position ${offset + start + 1} (double or trailing "/")`;
      throw referenceError('path', input, detail);
    }
    if (!anchoredPathComponent.test(component)) {
      const rule = 'must be lowercase letters and digits separated by ".", "_", "__" or "-"';
      throw referenceError('path', input, `path component ${quote(component)} is invalid: ${rule}`);
    }
    start += component.length + 1;
  }
}

/** checkTag throws unless the tag matches [\w][\w.-]{0,127}. */
function checkTag(input: string, tag: string, offset: number): void {
  if (tag === '') throw referenceError('tag', input, 'tag is empty (trailing ":")');
  if (anchoredTag.test(tag)) return;
  let why = badChar(tag, /[^\w.-]/, offset);
  if (why === undefined && tag.length > 128) why = `${tag.length} characters, at most 128`;
  if (why === undefined) why = 'must start with a letter, digit or "_"';
  throw referenceError('tag', input, `tag ${quote(tag)} is invalid: must match ${TAG} (${why})`);
}

/** checkDigest throws an INVALID_DIGEST error unless the digest is valid for go-digest. */
function checkDigest(input: string, digest: string): void {
  const problem = digestProblem(digest);
  if (problem === undefined) return;
  throw referenceError('digest', input, digest === '' ? problem : `digest ${quote(digest)}: ${problem}`);
}

/** badChar describes the first character matching `pattern`, with its 1-based position in the input. */
function badChar(text: string, pattern: RegExp, offset: number): string | undefined {
  const match = pattern.exec(text);
  if (!match) return undefined;
  return `invalid character ${quote(match[0])} at position ${offset + match.index + 1}`;
}
