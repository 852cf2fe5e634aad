import { PinError } from '../errors.js';
import { isPlainObject } from './inject.js';

/** AuthEntryFields is what one `auths` entry of a docker-style config yields. */
export interface AuthEntryFields {
  username?: string;
  password?: string;
  identityToken?: string;
  registryToken?: string;
}

/** AuthEntryOptions selects the dialect of the tool whose file is being read. */
export interface AuthEntryOptions {
  /** kubelet copies only username/password (keyring.go `Add`); docker also reads the token fields. */
  tokens: boolean;
  /** docker/cli and containers/image strip NUL padding from the password; kubelet does not. */
  trimNul: boolean;
}

const PADDED = /^[A-Za-z0-9+/]*={0,2}$/;
const UNPADDED = /^[A-Za-z0-9+/]*$/;

/**
 * decodeAuthField decodes an `auth` field (base64 of `user:password`) the way
 * kubelet's decodeDockerConfigFieldAuth does: a value ending in `=` must be
 * padded standard base64, anything else unpadded standard base64; CR/LF are
 * ignored as in Go's decoder. Returns undefined when the value is not valid.
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/credentialprovider/config.go
 */
export function decodeAuthField(field: string): { username: string; password: string } | undefined {
  const s = field.replace(/[\r\n]/g, '');
  const valid = field.trim().endsWith('=')
    ? PADDED.test(s) && s.length % 4 === 0
    : UNPADDED.test(s) && s.length % 4 !== 1;
  if (!valid) return undefined;
  const decoded = Buffer.from(s, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * decodeStdBase64 decodes padded standard base64 strictly, as Go's
 * encoding/json does for `[]byte` fields such as Secret `data` (CR/LF ignored);
 * undefined when invalid.
 */
export function decodeStdBase64(value: string): Buffer | undefined {
  const s = value.replace(/[\r\n]/g, '');
  if (!PADDED.test(s) || s.length % 4 !== 0) return undefined;
  return Buffer.from(s, 'base64');
}

/**
 * decodeAuthEntry reads one `auths` entry: `auth` (which overrides
 * username/password), `username`, `password`, and with `tokens` also
 * `identitytoken` and `registrytoken`; `email` is ignored. `where` names the
 * entry for errors (file, secret, key) and never includes a value.
 */
export function decodeAuthEntry(entry: unknown, where: string, options: AuthEntryOptions): AuthEntryFields {
  if (entry === null || entry === undefined) return {};
  if (!isPlainObject(entry)) throw new PinError('CREDENTIAL_CONFIG', `${where}: entry must be a JSON object`);
  const field = (name: string): string | undefined => {
    const value = entry[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw new PinError('CREDENTIAL_CONFIG', `${where}: "${name}" must be a string`);
    return value;
  };
  const out: AuthEntryFields = {};
  const auth = field('auth');
  let username = field('username');
  let password = field('password');
  field('email');
  if (auth) {
    const decoded = decodeAuthField(auth);
    if (!decoded) {
      throw new PinError('CREDENTIAL_CONFIG', `${where}: "auth" is not base64 of "username:password"`);
    }
    ({ username, password } = decoded);
  }
  if (password !== undefined && options.trimNul) password = password.replace(/^\0+|\0+$/g, '');
  if (username) out.username = username;
  if (password) out.password = password;
  if (options.tokens) {
    const identityToken = field('identitytoken');
    const registryToken = field('registrytoken');
    if (identityToken) out.identityToken = identityToken;
    if (registryToken) out.registryToken = registryToken;
  }
  return out;
}
