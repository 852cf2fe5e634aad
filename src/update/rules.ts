// The `updates:` section of `.digestpin.yaml`: the default version level, per-image rules
// (by image glob: level, allowed range, ignored tags, ignore, group) and PR metadata.
import picomatch from 'picomatch';
import type { ImageReference } from '../reference/types.js';
import { parseRange, type VersionRange } from '../versioning/range.js';
import { VERSION_LEVELS, type VersionLevel, type VersionPolicy } from '../versioning/select.js';

/** UpdateRule applies to images matching any of `images` (globs on the familiar or full name). */
export interface UpdateRule {
  images: string[];
  versions?: VersionLevel;
  allowed?: string;
  ignoreTags?: string[];
  /** ignore leaves matching images alone entirely (no version and no digest update). */
  ignore?: boolean;
  /** group sends matching updates to the pull request of branch `digestpin/<group>`. */
  group?: string;
}

/** UpdateSettings is the parsed `updates:` section. */
export interface UpdateSettings {
  /** versions is the default level when `--versions` is not given. */
  versions?: VersionLevel;
  rules: UpdateRule[];
  labels: string[];
  reviewers: string[];
  assignees: string[];
}

/** EMPTY_UPDATE_SETTINGS is the section's value when the config has none. */
export const EMPTY_UPDATE_SETTINGS: UpdateSettings = { rules: [], labels: [], reviewers: [], assignees: [] };

type Fail = (what: string) => never;

const RULE_KEYS = ['images', 'versions', 'allowed', 'ignoreTags', 'ignore', 'group'];
const SECTION_KEYS = ['versions', 'rules', 'labels', 'reviewers', 'assignees'];
// A group names a git branch (`digestpin/<group>`): no `..`, no trailing `.` or `.lock` (git check-ref-format).
const GROUP_NAME = /^(?=.{1,63}$)[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$/;

/** parseUpdateSettings validates the `updates:` section, failing with the key path. */
export function parseUpdateSettings(value: unknown, fail: Fail): UpdateSettings {
  if (value === undefined || value === null) return EMPTY_UPDATE_SETTINGS;
  const v = mapping(value, 'updates', fail);
  for (const key of Object.keys(v)) if (!SECTION_KEYS.includes(key)) fail(`unknown key "updates.${key}" (known: ${SECTION_KEYS.join(', ')})`);
  const rules = v.rules === undefined ? [] : Array.isArray(v.rules) ? v.rules : fail('"updates.rules" must be a list');
  return {
    ...(v.versions === undefined ? {} : { versions: level(v.versions, 'updates.versions', fail) }),
    rules: rules.map((r, i) => parseRule(r, `updates.rules[${i}]`, fail)),
    labels: strings(v.labels, 'updates.labels', fail),
    reviewers: strings(v.reviewers, 'updates.reviewers', fail),
    assignees: strings(v.assignees, 'updates.assignees', fail),
  };
}

function parseRule(value: unknown, at: string, fail: Fail): UpdateRule {
  const v = mapping(value, at, fail);
  for (const key of Object.keys(v)) if (!RULE_KEYS.includes(key)) fail(`unknown key "${at}.${key}" (known: ${RULE_KEYS.join(', ')})`);
  const images = strings(v.images, `${at}.images`, fail);
  if (images.length === 0) fail(`${at}.images must list at least one image glob`);
  if (v.allowed !== undefined && typeof v.allowed !== 'string') fail(`${at}.allowed must be a string such as ">=1.2 <2"`);
  if (typeof v.allowed === 'string') parseRange(v.allowed, at);
  if (v.ignore !== undefined && typeof v.ignore !== 'boolean') fail(`${at}.ignore must be true or false`);
  if (v.group !== undefined && (typeof v.group !== 'string' || !GROUP_NAME.test(v.group) || v.group.endsWith('.lock'))) {
    fail(`${at}.group must be a branch-safe name of letters, digits, "_", "-" and single inner dots`);
  }
  return {
    images,
    ...(v.versions === undefined ? {} : { versions: level(v.versions, `${at}.versions`, fail) }),
    ...(typeof v.allowed === 'string' ? { allowed: v.allowed } : {}),
    ...(v.ignoreTags === undefined ? {} : { ignoreTags: strings(v.ignoreTags, `${at}.ignoreTags`, fail) }),
    ...(v.ignore === undefined ? {} : { ignore: v.ignore as boolean }),
    ...(v.group === undefined ? {} : { group: v.group as string }),
  };
}

/** ImagePolicy is everything the rules decide for one image. */
export interface ImagePolicy extends VersionPolicy {
  ignore: boolean;
  group?: string;
}

/**
 * policyResolver returns a function giving each image its policy: `defaultLevel`
 * (`--versions`, else `updates.versions`, else `digest`) overridden field by field by
 * every matching rule in order (later rules win, as in Renovate's packageRules).
 */
export function policyResolver(settings: UpdateSettings, defaultLevel: VersionLevel | undefined): (ref: ImageReference) => ImagePolicy {
  const rules = settings.rules.map((rule) => ({
    rule,
    matches: picomatch(rule.images),
    allowed: rule.allowed === undefined ? undefined : parseRange(rule.allowed, 'rule'),
  }));
  const cache = new Map<string, ImagePolicy>();
  return (ref) => {
    const hit = cache.get(ref.name);
    if (hit) return hit;
    const policy: ImagePolicy = { level: defaultLevel ?? settings.versions ?? 'digest', ignore: false };
    for (const { rule, matches, allowed } of rules) {
      if (!matches(ref.familiarName) && !matches(ref.name)) continue;
      if (rule.versions) policy.level = rule.versions;
      if (allowed) policy.allowed = allowed;
      if (rule.ignoreTags) policy.ignoreTags = rule.ignoreTags;
      if (rule.ignore !== undefined) policy.ignore = rule.ignore;
      if (rule.group) policy.group = rule.group;
    }
    cache.set(ref.name, policy);
    return policy;
  };
}

function level(value: unknown, at: string, fail: Fail): VersionLevel {
  return VERSION_LEVELS.includes(value as VersionLevel) ? (value as VersionLevel) : fail(`${at} must be one of ${VERSION_LEVELS.join(', ')}`);
}

function mapping(value: unknown, at: string, fail: Fail): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : fail(`${at} must be a mapping`);
}

function strings(value: unknown, at: string, fail: Fail): string[] {
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) return fail(`${at} must be a list of strings`);
  return value as string[];
}
