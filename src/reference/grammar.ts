// The image reference grammar, composed from the named pieces of
// distribution/reference regexp.go (https://github.com/distribution/reference/blob/main/regexp.go):
//
//   reference        := name [ ":" tag ] [ "@" digest ]
//   name             := [domain '/'] remote-name
//   domain           := host [':' port-number]
//   host             := domain-name | IPv4address | \[ IPv6address \]   ; rfc3986 appendix-A
//   domain-name      := domain-component ['.' domain-component]*
//   domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
//   port-number      := /[0-9]+/
//   path-component   := alpha-numeric [separator alpha-numeric]*
//   remote-name      := path-component ['/' path-component]*
//   alpha-numeric    := /[a-z0-9]+/
//   separator        := /[_.]|__|[-]+/
//   tag              := /[\w][\w.-]{0,127}/
//   digest           := algorithm ":" hex   ; then validated as go-digest does
//
// Go's RE2 character classes are spelled out for JavaScript: `[[:xdigit:]]` is
// `[0-9a-fA-F]`, and `\w` is ASCII `[0-9A-Za-z_]` in both engines.

/** optional wraps the pieces in a non-capturing group that may be absent. */
export function optional(...pieces: string[]): string {
  return `(?:${pieces.join('')})?`;
}

/** anyTimes wraps the pieces in a non-capturing group repeated zero or more times. */
export function anyTimes(...pieces: string[]): string {
  return `(?:${pieces.join('')})*`;
}

/** group wraps the pieces in a non-capturing group. */
export function group(...pieces: string[]): string {
  return `(?:${pieces.join('')})`;
}

/** capture wraps the pieces in a capturing group. */
export function capture(...pieces: string[]): string {
  return `(${pieces.join('')})`;
}

/** anchored builds a RegExp that must match the whole string. */
export function anchored(...pieces: string[]): RegExp {
  return new RegExp(`^${pieces.join('')}$`);
}

/** ALPHANUMERIC is one run of lowercase letters and digits inside a path component. */
export const ALPHANUMERIC = '[a-z0-9]+';

/** SEPARATOR joins alphanumeric runs: one period, one or two underscores, or any number of dashes. */
export const SEPARATOR = '(?:[._]|__|[-]+)';

/** PATH_COMPONENT is one `/`-delimited element of a repository path (`library`, `my-app`). */
export const PATH_COMPONENT = ALPHANUMERIC + anyTimes(SEPARATOR, ALPHANUMERIC);

/** REMOTE_NAME is the repository path: path components joined by `/`. */
export const REMOTE_NAME = PATH_COMPONENT + anyTimes('/', PATH_COMPONENT);

/** DOMAIN_NAME_COMPONENT is one DNS label; unlike paths, uppercase letters are allowed. */
export const DOMAIN_NAME_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';

/** DOMAIN_NAME is a dotted host name or a decimal IPv4 address. */
export const DOMAIN_NAME = DOMAIN_NAME_COMPONENT + anyTimes('\\.', DOMAIN_NAME_COMPONENT);

/** IPV6_ADDRESS is a bracketed IPv6 address; zone identifiers (`%eth0`) and IPv4-mapped forms are excluded. */
export const IPV6_ADDRESS = '\\[(?:[a-fA-F0-9:]+)\\]';

/** HOST is a domain name, IPv4 address or bracketed IPv6 address. */
export const HOST = group(DOMAIN_NAME, '|', IPV6_ADDRESS);

/** OPTIONAL_PORT is an optional `:port` suffix of a host. */
export const OPTIONAL_PORT = optional(':[0-9]+');

/** DOMAIN_AND_PORT is a registry host with an optional port (`ghcr.io`, `[::1]:5000`). */
export const DOMAIN_AND_PORT = HOST + OPTIONAL_PORT;

/** TAG is a tag: a word character followed by up to 127 word characters, periods or dashes. */
export const TAG = '[\\w][\\w.-]{0,127}';

/** DIGEST_ALGORITHM is the algorithm grammar of distribution/reference (`sha256`, `sha256+b64`). */
export const DIGEST_ALGORITHM = '[A-Za-z][A-Za-z0-9]*' + anyTimes('[-_+.]', '[A-Za-z][A-Za-z0-9]*');

/** DIGEST is the loose digest grammar of distribution/reference: algorithm `:` at least 32 hex digits. */
export const DIGEST = DIGEST_ALGORITHM + '[:][0-9a-fA-F]{32,}';

/** IDENTIFIER is a bare 64-hex image ID, which is never accepted as a repository name. */
export const IDENTIFIER = '[a-f0-9]{64}';

/** NAME is a repository name with an optional domain. */
export const NAME = optional(DOMAIN_AND_PORT, '/') + REMOTE_NAME;

/** anchoredDomain matches a whole registry host with optional port. */
export const anchoredDomain = anchored(DOMAIN_AND_PORT);

/** anchoredPathComponent matches one whole path component. */
export const anchoredPathComponent = anchored(PATH_COMPONENT);

/** anchoredRemoteName matches a whole repository path. */
export const anchoredRemoteName = anchored(REMOTE_NAME);

/** anchoredTag matches a whole tag. */
export const anchoredTag = anchored(TAG);

/** anchoredIdentifier matches a whole 64-hex image ID. */
export const anchoredIdentifier = anchored(IDENTIFIER);

/** anchoredName matches `[domain/]path`, capturing domain (group 1) and path (group 2), as anchoredNameRegexp does. */
export const anchoredName = anchored(optional(capture(DOMAIN_AND_PORT), '/'), capture(REMOTE_NAME));

/** referenceRegexp matches a whole reference, capturing name, tag and digest, as ReferenceRegexp does. */
export const referenceRegexp = anchored(capture(NAME), optional(':', capture(TAG)), optional('@', capture(DIGEST)));

/** GO_DIGEST is go-digest's DigestRegexp, used to tell "unsupported algorithm" from "malformed digest". */
export const GO_DIGEST = '[a-z0-9]+' + anyTimes('[.+_-]', '[a-z0-9]+') + ':[a-zA-Z0-9=_-]+';

/**
 * DIGEST_HEX_LENGTHS lists the algorithms go-digest v1.0.0 (the version
 * distribution/reference's go.mod requires) registers, with the exact
 * lowercase-hex length of each (algorithm.go anchoredEncodedRegexps). Any
 * other algorithm is rejected with "unsupported digest algorithm".
 */
export const DIGEST_HEX_LENGTHS: ReadonlyMap<string, number> = new Map([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
]);

/** NAME_TOTAL_LENGTH_MAX is the longest repository path accepted (RepositoryNameTotalLengthMax). */
export const NAME_TOTAL_LENGTH_MAX = 255;
