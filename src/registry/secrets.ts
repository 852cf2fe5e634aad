import type { Credential } from '../auth/types.js';

/** MIN_ENCODED_LENGTH is the shortest base64 core worth scrubbing (shorter ones match innocent text). */
const MIN_ENCODED_LENGTH = 6;
/** MAX_DECODE_ROUNDS bounds how many layers of percent-encoding are peeled off. */
const MAX_DECODE_ROUNDS = 3;

/**
 * KnownSecrets collects every secret one client has handled: credential
 * passwords and tokens, their Basic `user:pass` base64 forms (padded and
 * unpadded), and bearer tokens obtained from token servers. Server text that
 * is printed is scrubbed against it *before* it is shortened, so an echoed
 * Authorization header or a secret cut in half never reaches a message.
 * Matching ignores case and sees through percent-encoding and base64 at any
 * byte offset (issue 11 item 9: servers upper-case, URL-encode and re-encode echoes).
 */
export class KnownSecrets {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  /** addCredential records a credential's secrets and their encoded forms. */
  addCredential(credential: Credential | undefined): void {
    if (!credential) return;
    for (const value of [credential.password, credential.identityToken, credential.registryToken]) this.add(value);
    if (credential.password !== undefined) {
      const basic = Buffer.from(`${credential.username ?? ''}:${credential.password}`).toString('base64');
      this.add(basic);
      this.add(basic.replace(/=+$/, ''));
    }
  }

  /** add records one secret value (values shorter than 3 characters cannot be scrubbed meaningfully). */
  add(value: string | undefined): void {
    if (!value || value.length < 3 || this.values.has(value)) return;
    this.values.add(value);
    this.pattern = undefined;
  }

  /** scrub replaces every known secret in `text` with `***`, in any case, percent-encoded or base64-encoded. */
  scrub = (text: string): string => {
    const pattern = this.compiled();
    if (!pattern) return text;
    let out = text.replace(pattern, '***');
    // Percent-encoded echoes (a Location path, a form body): when decoding reveals a secret,
    // print the decoded text scrubbed (lossy, but nothing of the secret survives).
    let layer = out;
    for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
      const decoded = percentDecode(layer);
      if (decoded === layer) break;
      layer = decoded.replace(pattern, '***');
      if (layer !== decoded) out = layer;
    }
    return out;
  };

  /** list returns the known secrets (for scrubbing whole error messages). */
  list(): string[] {
    return [...this.values];
  }

  /** compiled builds one case-insensitive alternation of every secret and its base64 cores, longest first. */
  private compiled(): RegExp | undefined {
    if (this.values.size === 0) return undefined;
    if (!this.pattern) {
      const forms = new Set<string>();
      for (const value of this.values) {
        forms.add(value);
        for (const core of base64Cores(value)) forms.add(core);
      }
      const sorted = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.pattern = new RegExp(sorted.join('|'), 'gi');
    }
    return this.pattern;
  }
}

/**
 * base64Cores lists, for each of the three byte alignments a secret can have inside a longer
 * base64 string, the characters that depend on the secret alone (standard and URL-safe alphabet).
 */
export function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const out: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const core = encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
    if (core.length < MIN_ENCODED_LENGTH) continue;
    out.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}

/** percentDecode decodes runs of `%XX` escapes as UTF-8 (malformed bytes become U+FFFD, never an exception). */
function percentDecode(text: string): string {
  return text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
