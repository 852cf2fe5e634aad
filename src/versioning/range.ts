import { PinError } from '../errors.js';
import type { TagVersion } from './tag-version.js';

// Allowed-version ranges for `.digestpin.yaml` rules, a small subset of npm semver ranges read
// against a tag's release numbers: alternatives joined by `||`, each a space-separated list of
// comparators that must all hold. A comparator is `<`, `<=`, `>`, `>=` or `=` and a version
// (`>=1.2 <2`), or a bare version where `x`/`*` are wildcards (`1.x`, `1.2.*`, `2`: that prefix).
// Missing parts count as 0 (`<2` is `< 2.0.0`); `v` prefixes are ignored.

/** VersionRange tests whether a version's release numbers are allowed. */
export type VersionRange = (version: TagVersion) => boolean;

type Op = '<' | '<=' | '>' | '>=' | '=' | 'prefix';

const COMPARATOR = /^(<=|>=|<|>|=)?v?(\d+(?:\.(?:\d+|[xX*]))*|[xX*])$/;

/** parseRange compiles a range; a malformed one throws CONFIG_INVALID naming `where`. */
export function parseRange(text: string, where: string): VersionRange {
  const alternatives = text.split('||').map((alt) => alt.trim().split(/\s+/).filter(Boolean));
  if (alternatives.some((alt) => alt.length === 0)) throw bad(text, where, 'empty alternative');
  const tests = alternatives.map((alt) => alt.map((c) => comparator(c, text, where)));
  return (version) => tests.some((all) => all.every((test) => test(version.release)));
}

function comparator(part: string, text: string, where: string): (release: number[]) => boolean {
  const match = COMPARATOR.exec(part);
  if (!match) throw bad(text, where, `cannot read "${part}"`);
  const pieces = match[2]!.split('.');
  const wildcard = pieces.findIndex((p) => /^[xX*]$/.test(p));
  if (wildcard >= 0 && pieces.slice(wildcard).some((p) => !/^[xX*]$/.test(p))) throw bad(text, where, `"${part}": nothing may follow a wildcard`);
  const numbers = (wildcard < 0 ? pieces : pieces.slice(0, wildcard)).map(Number);
  const op: Op = match[1] ? (match[1] as Op) : 'prefix';
  if (wildcard >= 0 && op !== 'prefix') throw bad(text, where, `"${part}": a wildcard cannot follow an operator`);
  if (op === 'prefix') return (release) => numbers.every((n, i) => release[i] === n);
  return (release) => holds(op, compareRelease(release, numbers));
}

function holds(op: Exclude<Op, 'prefix'>, cmp: number): boolean {
  switch (op) {
    case '<': return cmp < 0;
    case '<=': return cmp <= 0;
    case '>': return cmp > 0;
    case '>=': return cmp >= 0;
    case '=': return cmp === 0;
  }
}

function compareRelease(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

function bad(text: string, where: string, why: string): PinError {
  return new PinError('CONFIG_INVALID', `${where}: allowed range ${JSON.stringify(text)}: ${why} (e.g. ">=1.2 <2", "1.x", "<3 || >=5")`);
}
