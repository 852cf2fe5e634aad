// Title, commit message and markdown description of the bot's pull request. Output depends
// only on the set of updates (sorted, merged), so re-runs produce byte-identical text.
import { stripControl } from '../sanitize.js';
import type { ImageUpdate } from './types.js';

/** PR_MARKER is the hidden comment that identifies a description written by digestpin. */
export const PR_MARKER = '<!-- digestpin:update-digests -->';

/** MULTI_TITLE is the title used when more than one image moved. */
export const MULTI_TITLE = 'chore(deps): update image digests';

/** BodyOptions tunes renderBody. */
export interface BodyOptions {
  /** reproduceCommand is shown under "How to reproduce"; default `digestpin update --diff`. */
  reproduceCommand?: string;
  /** maxLength caps the description (GitHub rejects bodies over 65,536 characters); default 60,000. */
  maxLength?: number;
}

const MAX_FILES_PER_ROW = 10;

/** normalizeUpdates drops no-op entries, merges duplicates (union of files) and sorts deterministically. */
export function normalizeUpdates(updates: readonly ImageUpdate[]): ImageUpdate[] {
  const merged = new Map<string, ImageUpdate>();
  for (const u of updates) {
    if (u.oldDigest === u.newDigest && u.newTag === undefined) continue;
    const key = `${u.reference}\0${u.oldDigest}\0${u.newDigest}\0${u.newTag ?? ''}`;
    const seen = merged.get(key);
    if (seen === undefined) {
      merged.set(key, { ...u, files: [...u.files] });
    } else {
      seen.files.push(...u.files);
      if (seen.explanation === undefined || seen.explanation === '') seen.explanation = u.explanation;
    }
  }
  const out = [...merged.values()];
  for (const u of out) u.files = [...new Set(u.files)].sort(compare);
  return out.sort((a, b) => compare(a.image, b.image) || compare(a.tag, b.tag)
    || compare(a.reference, b.reference) || compare(a.oldDigest, b.oldDigest));
}

/** shortDigest returns the first `length` hex characters of a digest, without the algorithm. */
export function shortDigest(digest: string, length = 12): string {
  const colon = digest.indexOf(':');
  return digest.slice(colon + 1, colon + 1 + length);
}

/** VERSIONS_TITLE is the title used when several images moved and at least one changed version. */
export const VERSIONS_TITLE = 'chore(deps): update image versions and digests';

/** renderTitle names the single moved image (and its new version), or says "image digests" for several. */
export function renderTitle(updates: readonly ImageUpdate[]): string {
  const list = normalizeUpdates(updates);
  const first = list[0];
  if (first === undefined || new Set(list.map((u) => u.reference)).size > 1) {
    return list.some((u) => u.newTag !== undefined) ? VERSIONS_TITLE : MULTI_TITLE;
  }
  if (first.newTag !== undefined) return `chore(deps): update ${first.image} from ${first.tag} to ${first.newTag}`;
  return `chore(deps): update ${first.image}:${first.tag} digest to ${shortDigest(first.newDigest, 7)}`;
}

/** renderCommitMessage is the title, a blank line, and one line per moved digest (plus why). */
export function renderCommitMessage(updates: readonly ImageUpdate[]): string {
  const lines = [renderTitle(updates), ''];
  for (const u of normalizeUpdates(updates)) {
    const version = u.newTag === undefined ? '' : ` → ${u.newTag} (${u.kind ?? 'version'})`;
    lines.push(`- ${u.image}:${u.tag}${version}: ${digestText(u.oldDigest)} → ${shortDigest(u.newDigest)}`);
    if (u.explanation !== undefined && u.explanation.trim() !== '') lines.push(`  ${oneLine(u.explanation)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** renderBody renders the markdown description: marker, table, full digests, how to reproduce. */
export function renderBody(updates: readonly ImageUpdate[], options: BodyOptions = {}): string {
  const list = normalizeUpdates(updates);
  const maxLength = options.maxLength ?? 60_000;
  const full = renderWith(list, list.length, options);
  if (full.length <= maxLength) return full;
  // Too long for the forge: show as many rows as fit (binary search on the row count).
  let low = 0;
  let high = list.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (renderWith(list, mid, options).length <= maxLength) low = mid;
    else high = mid - 1;
  }
  return renderWith(list, low, options);
}

function renderWith(list: ImageUpdate[], shown: number, options: BodyOptions): string {
  const rows = list.slice(0, shown);
  const hidden = list.length - shown;
  const noun = list.length === 1 ? 'image digest' : 'image digests';
  const versions = list.some((u) => u.newTag !== undefined);
  const out = versions
    ? [
      PR_MARKER,
      `This updates ${list.length} image ${list.length === 1 ? 'reference' : 'references'}: tags moved to a newer version by policy `
        + '(patch, minor or major) and pinned to its digest, or pinned tags whose digest moved (digest).',
      '',
      '| Image | Version | Kind | Digest | Files | Why |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows.map(renderVersionRow),
    ]
    : [
      PR_MARKER,
      `This updates ${list.length} pinned ${noun} whose tag now points to a different image in the registry.`,
      '',
      '| Image | Tag | Digest | Files | Why |',
      '| --- | --- | --- | --- | --- |',
      ...rows.map(renderRow),
    ];
  if (hidden > 0) out.push('', `_…and ${hidden} more not shown (the description would be too long)._`);
  out.push('', '<details>', '<summary>Full digests</summary>', '', '```diff');
  for (const u of rows) out.push(`# ${u.reference}${u.newTag === undefined ? '' : ` → ${u.newTag}`}`, `- ${u.oldDigest || '(not pinned)'}`, `+ ${u.newDigest}`);
  out.push('```', '', '</details>', '');
  out.push('### How to reproduce', '', 'In a checkout of the base branch, this shows the same change:', '');
  out.push('```sh', options.reproduceCommand ?? 'digestpin update --diff', '```', '');
  out.push('---', '<sub>Generated by digestpin. The branch and this description are rewritten on every run; '
    + 'changes pushed to the branch will be lost.</sub>', '');
  return out.join('\n');
}

function renderRow(u: ImageUpdate): string {
  return `| ${codeSpan(u.image)} | ${codeSpan(u.tag)} | ${digestCell(u)} | ${filesCell(u)} | ${whyCell(u)} |`;
}

/** renderVersionRow is a row of the table used when versions moved: old → new version and the kind. */
function renderVersionRow(u: ImageUpdate): string {
  const version = u.newTag === undefined ? codeSpan(u.tag) : `${codeSpan(u.tag)} → ${codeSpan(u.newTag)}`;
  return `| ${codeSpan(u.image)} | ${version} | ${u.kind ?? (u.newTag === undefined ? 'digest' : 'version')} | ${digestCell(u)} | ${filesCell(u)} | ${whyCell(u)} |`;
}

function digestCell(u: ImageUpdate): string {
  const old = u.oldDigest === '' ? 'not pinned' : codeSpan(shortDigest(u.oldDigest));
  return `${old} → ${codeSpan(shortDigest(u.newDigest))}`;
}

function filesCell(u: ImageUpdate): string {
  const files = u.files.slice(0, MAX_FILES_PER_ROW).map(codeSpan);
  if (u.files.length > MAX_FILES_PER_ROW) files.push(`and ${u.files.length - MAX_FILES_PER_ROW} more`);
  return files.join('<br>');
}

function whyCell(u: ImageUpdate): string {
  const why = u.explanation === undefined ? '' : escapeText(u.explanation);
  // compareUrl is built from validated GitHub/GitLab URL parts (src/update/compare-url.ts).
  const link = u.compareUrl === undefined ? '' : `[source changes](${u.compareUrl})`;
  return [why, link].filter((s) => s !== '').join(' ');
}

function digestText(digest: string): string {
  return digest === '' ? '(not pinned)' : shortDigest(digest);
}

/** codeSpan wraps text in a GFM code span that is safe inside a table cell. */
export function codeSpan(text: string): string {
  // `\|` is unescaped by the table parser even inside code spans (GFM spec, tables extension).
  const body = oneLine(text).replace(/\|/g, '\\|');
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/**
 * escapeText makes untrusted text (image labels end up in explanations) inert in a table cell:
 * markdown and HTML punctuation are backslash-escaped, and @mentions are broken with a
 * zero-width space so nobody gets pinged (as Renovate's sanitizeMarkdown does).
 */
export function escapeText(text: string): string {
  return oneLine(text).replace(/[\\`*_[\]<>|~]/g, '\\$&').replace(/@/g, '@&#8203;');
}

/** oneLine joins lines and strips control characters (labels and registry text are untrusted). */
function oneLine(text: string): string {
  return stripControl(text.replace(/\s*[\r\n]+\s*/g, ' ')).trim();
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
