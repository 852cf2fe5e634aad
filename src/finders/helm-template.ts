import { isHelmTemplate } from './file-kind.js';
import type { Finder, FindResult, Occurrence } from './types.js';

// A chart's templates are Go templates, not YAML (`image: {{ .Values.x }}` is a flow
// mapping to a YAML parser). They are reported line by line and never rewritten: the
// place to pin is the chart's values, which `helm template` renders into these lines.

const IMAGE_LINE = /^[ \t]*(?:-[ \t]+)?(["']?)image\1[ \t]*:[ \t]+(\S.*?)[ \t]*\r?$/d;

/**
 * findHelmTemplateImages reports every `image:` line of a template file as
 * skipped (`helm-template`), with the value text (inside quotes) as its span.
 */
export function findHelmTemplateImages(file: string, text: string): FindResult {
  const occurrences: Occurrence[] = [];
  let offset = 0;
  let line = 1;
  while (offset <= text.length) {
    const newline = text.indexOf('\n', offset);
    const end = newline < 0 ? text.length : newline;
    const match = IMAGE_LINE.exec(text.slice(offset, end));
    if (match) {
      const value = unquote(withoutComment(match[2]!));
      const start = offset + match.indices![2]![0] + value.shift;
      occurrences.push({
        file, line, column: start - offset + 1,
        span: { start, end: start + value.text.length, raw: value.text },
        finder: 'helm-template', kind: 'helm-template', status: 'skipped', skipReason: 'helm-template',
      });
    }
    if (newline < 0) break;
    offset = newline + 1;
    line++;
  }
  return { occurrences };
}

/** withoutComment drops a trailing ` # comment` that is outside any template action. */
function withoutComment(value: string): string {
  const hash = value.search(/[ \t]#/);
  return hash >= 0 && !value.slice(hash).includes('}}') ? value.slice(0, hash).trimEnd() : value;
}

/** unquote strips one pair of matching quotes around a value; `shift` is 1 when it did. */
function unquote(value: string): { text: string; shift: number } {
  const q = value[0];
  if ((q === '"' || q === "'") && value.length >= 2 && value.endsWith(q)) return { text: value.slice(1, -1), shift: 1 };
  return { text: value, shift: 0 };
}

/** helmTemplateFinder guards chart templates: reports their images as skipped, never parses them (id `helm-template`). */
export const helmTemplateFinder: Finder = {
  id: 'helm-template',
  matches: (file, text) => isHelmTemplate(file, text),
  find: (file, text) => findHelmTemplateImages(file, text),
};
