// WWW-Authenticate parsing per RFC 7235 section 4.1 (https://www.rfc-editor.org/rfc/rfc7235#section-4.1):
//
//   WWW-Authenticate = 1#challenge
//   challenge        = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//   auth-param       = token BWS "=" BWS ( token / quoted-string )
//   token68          = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//
// One header may carry several challenges separated by commas, which are also the
// separators between auth-params; a new challenge starts where a token is not followed
// by "=".

/** Challenge is one parsed authentication challenge. */
export interface Challenge {
  /** scheme is the lower-cased auth scheme (`basic`, `bearer`). */
  scheme: string;
  /** params maps lower-cased parameter names to unquoted values. */
  params: Record<string, string>;
  /** token68 is set when the challenge carries a token68 instead of parameters. */
  token68?: string;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;
const AUTH_PARAM = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)[ \t]*=[ \t]*("(?:[^"\\]|\\.)*"|[!#$%&'*+\-.^_`|~0-9A-Za-z]+)/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*(?=[ \t]*(?:,|$))/;
const SEPARATORS = /^[ \t,]*/;
const SPACES = /^[ \t]*/;

/** parseChallenges parses one or more WWW-Authenticate header values into challenges. */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const values = Array.isArray(header) ? header : [header];
  return values.flatMap((value) => parseOne(value));
}

function parseOne(input: string): Challenge[] {
  const out: Challenge[] = [];
  let rest = input;
  while (true) {
    rest = rest.replace(SEPARATORS, '');
    if (rest === '') return out;
    const scheme = TOKEN.exec(rest);
    if (!scheme) {
      rest = skipElement(rest);
      continue;
    }
    const challenge: Challenge = { scheme: scheme[0].toLowerCase(), params: {} };
    out.push(challenge);
    rest = rest.slice(scheme[0].length).replace(SPACES, '');
    const token68 = AUTH_PARAM.test(rest) ? null : TOKEN68.exec(rest);
    if (token68) {
      challenge.token68 = token68[0];
      rest = rest.slice(token68[0].length);
      continue;
    }
    rest = parseParams(rest, challenge);
  }
}

/** parseParams consumes `name=value` pairs (comma separated) and returns the unparsed rest. */
function parseParams(input: string, challenge: Challenge): string {
  let rest = input;
  while (true) {
    const param = AUTH_PARAM.exec(rest);
    if (!param) return rest;
    addParam(challenge, (param[1] as string).toLowerCase(), unquote(param[2] as string));
    rest = rest.slice(param[0].length).replace(SPACES, '');
    // Params are comma separated; after a comma, a token not followed by "=" starts the next challenge.
    if (!rest.startsWith(',')) return rest;
    rest = rest.replace(SEPARATORS, '');
  }
}

function addParam(challenge: Challenge, name: string, value: string): void {
  const existing = challenge.params[name];
  if (existing === undefined) challenge.params[name] = value;
  // Some servers repeat `scope`; the union is what they mean.
  else if (name === 'scope') challenge.params[name] = `${existing} ${value}`;
}

function unquote(value: string): string {
  if (!value.startsWith('"')) return value;
  return value.slice(1, -1).replace(/\\(.)/g, '$1');
}

/** skipElement drops malformed text up to the next comma so parsing can resume. */
function skipElement(input: string): string {
  const comma = input.indexOf(',');
  return comma < 0 ? '' : input.slice(comma + 1);
}

/** findChallenge returns the first challenge with the given (lower-case) scheme. */
export function findChallenge(challenges: Challenge[], scheme: string): Challenge | undefined {
  return challenges.find((c) => c.scheme === scheme);
}

/** challengeScopes splits a challenge's space-separated `scope` parameter. */
export function challengeScopes(challenge: Challenge | undefined): string[] {
  const scope = challenge?.params['scope'];
  return scope ? scope.split(' ').filter((s) => s !== '') : [];
}
