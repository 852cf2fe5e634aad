/**
 * The slice of Go's `net/url.Parse` and `net.SplitHostPort` that kubelet's
 * keyring relies on (src/net/url/url.go `parse`, `parseAuthority`,
 * `parseHost`, `unescape`; src/net/ipsock.go `SplitHostPort`). WHATWG `URL`
 * differs (it lower-cases hosts, applies IDNA, rejects `*`), so it must not
 * be used where kubelet's behaviour is being reproduced.
 */

/** GoUrl is the host (with port) and unescaped path of a parsed `scheme://authority/path`. */
export interface GoUrl {
  host: string;
  path: string;
}

// Go's shouldEscape(c, encodeHost) is false for these ASCII bytes besides alphanumerics.
const HOST_OK = /^[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]$/;
const USERINFO_OK = /^[A-Za-z0-9\-_.~!$&'()*+,;=:%@]*$/;

/** goParseUrl parses an absolute `scheme://…` URL like Go's url.Parse; undefined where Go returns an error. */
export function goParseUrl(raw: string): GoUrl | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(raw)) return undefined; // "invalid control character in URL"
  const hash = raw.indexOf('#');
  const withoutFragment = hash < 0 ? raw : raw.slice(0, hash);
  if (hash >= 0 && unescape(raw.slice(hash + 1)) === undefined) return undefined;
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(withoutFragment);
  if (!m) return undefined;
  let rest = withoutFragment.slice(m[0].length);
  const q = rest.indexOf('?');
  if (q >= 0) rest = rest.slice(0, q);
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const rawPath = slash < 0 ? '' : rest.slice(slash);
  const host = parseAuthority(authority);
  const path = unescape(rawPath);
  if (host === undefined || path === undefined) return undefined;
  return { host, path };
}

function parseAuthority(authority: string): string | undefined {
  const at = authority.lastIndexOf('@');
  if (at >= 0 && !USERINFO_OK.test(authority.slice(0, at))) return undefined; // "invalid userinfo"
  return parseHost(at < 0 ? authority : authority.slice(at + 1));
}

function parseHost(host: string): string | undefined {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0 || !validOptionalPort(host.slice(close + 1))) return undefined;
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0 && !validOptionalPort(host.slice(colon))) return undefined; // "invalid port"
  }
  for (const ch of host) {
    if (ch.codePointAt(0)! < 0x80 && ch !== '%' && !HOST_OK.test(ch)) return undefined; // "invalid character in host name"
  }
  // In hosts Go accepts only %25 or escapes of non-ASCII bytes.
  if (/%(?![89a-fA-F][0-9a-fA-F]|25)/.test(host)) return undefined;
  return unescape(host);
}

function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port);
}

/** unescape decodes %XX escapes like Go's url.unescape; undefined on a malformed escape. */
function unescape(s: string): string | undefined {
  if (!s.includes('%')) return s;
  if (/%(?![0-9a-fA-F]{2})/.test(s)) return undefined;
  const bytes: number[] = [];
  const raw = Buffer.from(s, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x25) {
      bytes.push(parseInt(String.fromCharCode(raw[i + 1]!, raw[i + 2]!), 16));
      i += 2;
    } else {
      bytes.push(raw[i]!);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * goSplitHostPort is Go's net.SplitHostPort: `host:port` or `[v6]:port` into
 * its parts; undefined where Go returns an error (e.g. no port at all).
 */
export function goSplitHostPort(hostport: string): { host: string; port: string } | undefined {
  const i = hostport.lastIndexOf(':');
  if (i < 0) return undefined; // missing port in address
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0 || end + 1 !== i) return undefined; // missing ']', missing port or too many colons
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) return undefined; // too many colons
  }
  if (hostport.slice(j).includes('[') || hostport.slice(k).includes(']')) return undefined;
  return { host, port: hostport.slice(i + 1) };
}
