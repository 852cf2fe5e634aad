import path from 'node:path';
import { explainMove, type ManifestSource } from '../drift/explain.js';
import type { Occurrence } from '../finders/types.js';
import type { PinRun } from '../pipeline/pin.js';
import { lockKey } from '../pipeline/resolve.js';
import type { ImageUpdate } from '../pr/types.js';
import { toPosix } from '../pipeline/collect.js';
import { parseTagVersion, updateKind } from '../versioning/tag-version.js';
import { compareUrl } from './compare-url.js';

/**
 * imageUpdates turns an `update` run's rewrites into one ImageUpdate per moved
 * tag (old → new tag and digest, files relative to `root`), sorted by reference.
 */
export function imageUpdates(run: PinRun, root: string, groupOf: (o: Occurrence) => string | undefined = () => undefined): ImageUpdate[] {
  const byKey = new Map<string, ImageUpdate>();
  for (const change of run.changes) {
    const file = toPosix(path.relative(root, change.file));
    for (const { occurrence, digest, tag } of change.rewritten) {
      const ref = occurrence.ref!;
      // One tag may be pinned to different old digests in different files: keep them apart.
      const key = `${lockKey(ref)}\0${ref.digest ?? ''}\0${tag ?? ''}`;
      const group = groupOf(occurrence);
      const update = byKey.get(key) ?? {
        reference: lockKey(ref), image: ref.familiarName, tag: ref.tag ?? 'latest', oldDigest: ref.digest ?? '', newDigest: digest, files: [],
        ...(tag === undefined ? {} : { newTag: tag, kind: moveKind(ref.tag!, tag) }), ...(group ? { group } : {}),
      };
      if (!update.files.includes(file)) update.files.push(file);
      byKey.set(key, update);
    }
  }
  return [...byKey.values()].sort((a, b) => (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : a.oldDigest < b.oldDigest ? -1 : 1));
}

function moveKind(from: string, to: string): NonNullable<ImageUpdate['kind']> {
  const a = parseTagVersion(from);
  const b = parseTagVersion(to);
  return a && b ? updateKind(a, b) : 'major';
}

/** explainUpdates adds the drift explanation (version/revision/created) and a source compare link to each update, best effort. */
export async function explainUpdates(updates: ImageUpdate[], run: PinRun, source: ManifestSource): Promise<void> {
  const refs = new Map<string, Occurrence>();
  for (const change of run.changes) for (const r of change.rewritten) refs.set(lockKey(r.occurrence.ref!), r.occurrence);
  await Promise.all(
    updates.map(async (u) => {
      const ref = refs.get(u.reference)?.ref;
      if (!ref || u.oldDigest === '') return;
      const explanation = await explainMove(source, ref, u.oldDigest, u.newDigest).catch(() => undefined);
      if (!explanation) return;
      u.explanation = explanation.summary;
      const link = compareUrl(explanation.old, explanation.new);
      if (link) u.compareUrl = link;
    }),
  );
}

/** digestOnlyReferences lists pinned references without a tag: `update` cannot follow them. */
export function digestOnlyReferences(run: PinRun): Occurrence[] {
  return run.scanned.flatMap((f) => f.occurrences.filter((o) => o.ref?.digest && !o.ref.tag && o.status === 'pinned' && !run.taglessLatest.has(o)));
}
