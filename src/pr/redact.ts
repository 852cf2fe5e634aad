// Scrubbing of secrets from anything that may end up in an error message or a log line.

/** URL_USERINFO matches the `user:password@` part of any `scheme://` URL in free text. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;

/** redactUrlCredentials replaces the userinfo of every URL in `text` with `***@`. */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, '$1***@');
}

/** redact removes URL credentials and every listed secret (shorter than 4 chars ignored) from `text`. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = redactUrlCredentials(text);
  // Longest first so a secret that contains another one is removed whole.
  const sorted = [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  for (const secret of sorted) out = out.split(secret).join('***');
  return out;
}

/** SECRET_ENV_VARS are environment variables whose values are always scrubbed from git and API messages. */
export const SECRET_ENV_VARS = [
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'GH_ENTERPRISE_TOKEN',
  'GITLAB_TOKEN',
  'CI_JOB_TOKEN',
] as const;

/** secretsFromEnv returns the values of SECRET_ENV_VARS that are set in `env`. */
export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  return SECRET_ENV_VARS.map((name) => env[name]).filter((v): v is string => typeof v === 'string' && v !== '');
}
