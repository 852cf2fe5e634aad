// Differential test: parseReference (part-by-part, for precise error messages)
// against a literal transcription of distribution/reference ParseNormalizedNamed
// + Parse (normalize.go, reference.go) and go-digest v1.0.0 Digest.Validate,
// driven by the single composed regexes from grammar.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReferenceError, digestProblem, parseReference } from '../../src/reference/index.js';
import { anchoredIdentifier, anchoredName, referenceRegexp } from '../../src/reference/grammar.js';

interface Parsed {
  domain: string;
  path: string;
  tag: string | undefined;
  digest: string | undefined;
}

/** goDigestValid transcribes go-digest v1.0.0 Digest.Validate with sha256/sha384/sha512 registered. */
function goDigestValid(s: string): boolean {
  const i = s.indexOf(':');
  if (i <= 0 || i + 1 === s.length) return false;
  const encoded: Record<string, RegExp> = { sha256: /^[a-f0-9]{64}$/, sha384: /^[a-f0-9]{96}$/, sha512: /^[a-f0-9]{128}$/ };
  const re = encoded[s.slice(0, i)];
  return re !== undefined && re.test(s.slice(i + 1));
}

/** splitDockerDomain transcribes normalize.go splitDockerDomain. */
function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  if (slash < 0) return ['docker.io', `library/${name}`];
  const maybeDomain = name.slice(0, slash);
  const maybeRemote = name.slice(slash + 1);
  let domain: string;
  let remote: string;
  if (maybeDomain === 'localhost') [domain, remote] = [maybeDomain, maybeRemote];
  else if (maybeDomain === 'index.docker.io') [domain, remote] = ['docker.io', maybeRemote];
  else if (/[.:]/.test(maybeDomain)) [domain, remote] = [maybeDomain, maybeRemote];
  else if (maybeDomain.toLowerCase() !== maybeDomain) [domain, remote] = [maybeDomain, maybeRemote];
  else [domain, remote] = ['docker.io', name];
  if (domain === 'docker.io' && !remote.includes('/')) remote = `library/${remote}`;
  return [domain, remote];
}

/** upstream transcribes ParseNormalizedNamed; undefined means it returns an error. */
function upstream(s: string): Parsed | undefined {
  if (anchoredIdentifier.test(s)) return undefined;
  const [domain, remainder] = splitDockerDomain(s);
  const tagSep = remainder.indexOf(':');
  const remote = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (remote.toLowerCase() !== remote) return undefined;
  const m = referenceRegexp.exec(`${domain}/${remainder}`);
  if (!m) return undefined;
  const n = anchoredName.exec(m[1] ?? '');
  const parsed: Parsed = { domain: n?.[1] ?? '', path: n?.[2] ?? '', tag: m[2], digest: m[3] };
  if (parsed.path.length > 255) return undefined;
  if (parsed.digest !== undefined && !goDigestValid(parsed.digest)) return undefined;
  return parsed;
}

function ours(s: string): Parsed | ReferenceError {
  try {
    const r = parseReference(s);
    return { domain: r.domain, path: r.path, tag: r.tag, digest: r.digest };
  } catch (error) {
    if (error instanceof ReferenceError) return error;
    throw error;
  }
}

const HEX = '0123456789abcdef';
const TOKENS = [
  'a', 'b0', 'nginx', 'x-', '-', '--', '_', '__', '.', '..', '/', '//', ':', '@', '5000', ':5000', ':v1.2', ':Tag_1',
  'localhost', 'docker.io', 'index.docker.io', 'library', 'Foo', 'UP', 'gcr.io', 'a.b', 'a_b.c', '10.0.0.1',
  '[::1]', '[2001:db8::1]', '[fe80::1%eth0]', '[', ']', ' ', '$', 'é', '%',
  `@sha256:${HEX.repeat(4)}`, `sha256:${HEX.repeat(4)}`, `@sha256:${HEX.repeat(2)}`, `@sha512:${HEX.repeat(8)}`,
  `@sha384:${HEX.repeat(6)}`, `@md5:${HEX.repeat(2)}`, `@SHA256:${HEX.repeat(4)}`, `@sha256:${HEX.toUpperCase().repeat(4)}`,
  'sha256:', HEX.repeat(4), 'a'.repeat(120), 'b'.repeat(130),
];

describe('parseReference agrees with ParseNormalizedNamed', () => {
  const inputs = fc.array(fc.constantFrom(...TOKENS), { minLength: 0, maxLength: 8 }).map((parts) => parts.join(''));

  it('accepts and rejects the same strings, with the same parts', () => {
    let accepted = 0;
    fc.assert(
      fc.property(inputs, (s) => {
        const expected = upstream(s);
        const actual = ours(s);
        if (expected !== undefined && expected.domain === '') {
          // Documented deviation: upstream reads "a_b.c/x" as a path with no domain; we reject the domain.
          expect(actual).toBeInstanceOf(ReferenceError);
          expect((actual as ReferenceError).part).toBe('domain');
          return;
        }
        if (expected === undefined) {
          expect(actual).toBeInstanceOf(ReferenceError);
        } else {
          accepted++;
          expect(actual).toEqual(expected);
        }
      }),
      { numRuns: 20_000 },
    );
    // The generator must exercise the accepting side too, not only errors.
    expect(accepted).toBeGreaterThan(1_000);
  });

  it('agrees with go-digest on digests', () => {
    const digests = fc
      .array(fc.constantFrom('sha256', 'sha384', 'sha512', 'md5', 'SHA256', 'sha256+b64', ':', HEX, 'F', 'g', '', '='), {
        maxLength: 12,
      })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(digests, (d) => {
        const valid = referenceRegexp.test(`x@${d}`) && goDigestValid(d);
        expect(digestProblem(d) === undefined).toBe(valid);
      }),
      { numRuns: 10_000 },
    );
  });
});
