import type { Credential } from '../auth/types.js';

/**
 * KnownSecrets collects every secret one client has handled: credential
 * passwords and tokens, their Basic `user:pass` base64 forms (padded and
 * unpadded), and bearer tokens obtained from token servers. Server text that
 * goes into an error is scrubbed against it *before* it is shortened, so an
 * echoed Authorization header or a secret cut in half never reaches a message.
 */
export class KnownSecrets {
  private readonly values = new Set<string>();

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
    if (value && value.length >= 3) this.values.add(value);
  }

  /** scrub replaces every known secret in `text` with `***` (longest first, so encodings win). */
  scrub = (text: string): string => {
    let out = text;
    for (const secret of [...this.values].sort((a, b) => b.length - a.length)) {
      if (out.includes(secret)) out = out.split(secret).join('***');
    }
    return out;
  };

  /** list returns the known secrets (for scrubbing whole error messages). */
  list(): string[] {
    return [...this.values];
  }
}
