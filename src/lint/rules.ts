import type { Occurrence } from '../finders/types.js';
import type { LintContext, Rule } from './types.js';

// Kubernetes defaulting (pkg/apis/core/v1/defaults.go SetDefaults_Container with
// parsers.ParseImageName): an empty imagePullPolicy becomes `Always` when the tag is
// `latest` or when there is neither tag nor digest; otherwise `IfNotPresent`. So
// `name:latest@sha256:…` defaults to Always and `name@sha256:…` to IfNotPresent.
// https://kubernetes.io/docs/concepts/containers/images/#imagepullpolicy-defaulting

/**
 * hasPullPolicy reports whether an image runs with a Kubernetes imagePullPolicy beside it:
 * pod containers and the CRD fields that become containers, but not images held as
 * ConfigMap values (`data.queue-sidecar-image`) or Knative's pre-pull `caching…/Image`.
 */
export function hasPullPolicy(occurrence: Occurrence): boolean {
  if (!occurrence.pod || occurrence.kind === 'crd:Image') return false;
  return occurrence.path === undefined || /(?:^|\.)image$/.test(occurrence.path);
}

/** defaultPullPolicy is the policy Kubernetes stores when a container sets none. */
export function defaultPullPolicy(tag: string | undefined, digest: string | undefined): 'Always' | 'IfNotPresent' {
  if (tag === 'latest' || (tag === undefined && digest === undefined)) return 'Always';
  return 'IfNotPresent';
}

function image(ctx: LintContext): string {
  return ctx.occurrence.ref?.original ?? ctx.occurrence.span.raw;
}

/** mutableTagReason says why a tag counts as mutable, or undefined when it does not. */
export function mutableTagReason(tag: string | undefined, patterns: RegExp[] = []): string | undefined {
  if (tag === undefined) return 'has no tag (means `latest`)';
  if (tag === 'latest') return 'uses the `latest` tag';
  const hit = patterns.find((p) => p.test(tag));
  return hit ? `uses tag \`${tag}\`, which matches the mutable-tag pattern /${hit.source}/` : undefined;
}

const mutableTag: Rule = {
  id: 'mutable-tag',
  severity: 'error',
  summary: 'Image uses a mutable tag (`latest`, no tag, or a --mutable-tags pattern) without a digest.',
  fix: 'Pin it to a digest: `digestpin pin <path>` writes name:tag@sha256:….',
  check(ctx) {
    if (ctx.digest !== undefined) return undefined;
    const why = mutableTagReason(ctx.tag, ctx.options.mutableTags);
    return why && `${image(ctx)} ${why} and no digest: what runs can change without a commit.`;
  },
};

const ifNotPresentUnpinned: Rule = {
  id: 'ifnotpresent-unpinned',
  severity: 'warning',
  summary: 'imagePullPolicy IfNotPresent (explicit or defaulted) on an image without a digest.',
  fix: 'Pin the image to a digest (`digestpin pin`), so every node runs the same content.',
  check(ctx) {
    if (ctx.digest !== undefined || ctx.effectivePolicy !== 'IfNotPresent') return undefined;
    const how = ctx.explicitPolicy === undefined ? 'defaults to IfNotPresent' : 'sets IfNotPresent';
    return `${image(ctx)} ${how} without a digest: after the tag moves, nodes that cached the old image keep running it.`;
  },
};

const neverUnpinned: Rule = {
  id: 'never-unpinned',
  severity: 'error',
  summary: 'imagePullPolicy Never on an image without a digest.',
  fix: 'Pin the image to a digest, so the pre-loaded image must match exactly.',
  check(ctx) {
    if (ctx.digest !== undefined || ctx.explicitPolicy !== 'Never') return undefined;
    return `${image(ctx)} has imagePullPolicy Never without a digest: each node runs whatever it has under that tag.`;
  },
};

const latestDigestDefaultsAlways: Rule = {
  id: 'latest-digest-defaults-always',
  severity: 'warning',
  summary: '`name:latest@sha256:…` with no imagePullPolicy: Kubernetes defaults it to Always.',
  fix: 'Set `imagePullPolicy: IfNotPresent` (`digestpin pin --set-pull-policy IfNotPresent`) or drop the `latest` tag.',
  check(ctx) {
    if (ctx.digest === undefined || ctx.explicitPolicy !== undefined || ctx.effectivePolicy !== 'Always') return undefined;
    return `${image(ctx)} is digest-pinned but its \`latest\` tag makes Kubernetes default imagePullPolicy to Always: every start needs the registry.`;
  },
};

const alwaysOnDigest: Rule = {
  id: 'always-on-digest',
  severity: 'info',
  summary: 'imagePullPolicy Always on a digest-pinned image adds a registry dependency.',
  fix: 'Set `imagePullPolicy: IfNotPresent`; the digest already fixes the content.',
  check(ctx) {
    if (ctx.digest === undefined || ctx.explicitPolicy !== 'Always') return undefined;
    return `${image(ctx)} is digest-pinned, yet imagePullPolicy Always contacts the registry on every start (and fails when it is down).`;
  },
};

/** RULES lists every lint rule in report order; ids are stable. */
export const RULES: readonly Rule[] = [
  mutableTag,
  ifNotPresentUnpinned,
  neverUnpinned,
  latestDigestDefaultsAlways,
  alwaysOnDigest,
];
