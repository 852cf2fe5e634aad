/**
 * Go's time.ParseDuration, which metav1.Duration uses for `defaultCacheDuration`
 * and the response's `cacheDuration` (`12h`, `1h30m`, `0.5s`, `0`).
 * https://pkg.go.dev/time#ParseDuration
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3, // U+00B5 micro sign
  'μs': 1e-3, // U+03BC Greek mu
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /^(\d*)(?:\.(\d*))?([a-zµμ]+)/;

/** parseGoDuration returns the duration in milliseconds, or undefined where Go returns an error. */
export function parseGoDuration(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  while (rest !== '') {
    const m = PART.exec(rest);
    if (!m) return undefined;
    const [whole, int = '', frac, unit = ''] = m;
    if (int === '' && (frac === undefined || frac === '')) return undefined; // "." or a bare unit
    const scale = UNIT_MS[unit];
    if (scale === undefined) return undefined;
    total += Number(`${int || '0'}.${frac || '0'}`) * scale;
    rest = rest.slice(whole.length);
  }
  return sign * total;
}
