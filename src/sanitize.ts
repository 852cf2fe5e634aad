// Server-supplied text (registry answers, image labels, index entries) is printed in
// terminals, CI logs, lock files, markdown and pull requests. Control characters in it
// could move the cursor, hide text, ring bells or forge lines (issue 11 item 10), so every
// such string passes through here before it is shown or stored.

// C0 except tab and newline, DEL, C1, and the Unicode bidi controls ("Trojan Source").
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** stripControl removes C0 (but tab and newline), DEL, C1 and bidi control characters from text. */
export function stripControl(text: string): string {
  return text.replace(CONTROL, '');
}

/** hasControl reports whether text holds a character stripControl would remove. */
export function hasControl(text: string): boolean {
  CONTROL.lastIndex = 0;
  const found = CONTROL.test(text);
  CONTROL.lastIndex = 0;
  return found;
}

/** quoteUntrusted renders an untrusted value as a JSON string literal with every control character escaped. */
export function quoteUntrusted(value: unknown): string {
  const json = JSON.stringify(typeof value === 'string' ? value : String(value)) ?? '""';
  return json.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
