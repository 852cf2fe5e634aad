import path from 'node:path';
import { explainMove, type ManifestSource } from '../drift/explain.js';
import type { Occurrence } from '../finders/types.js';
import type { PinRun } from '../pipeline/pin.js';
import { lockKey } from '../pipeline/resolve.js';
import type { ImageUpdate } from '../pr/types.js';
import { toPosix } from '../pipeline/collect.js';

/**
 * imageUpdates turns an `update` run's rewrites into one ImageUpdate per moved
 * tag (old → new digest, files relative to `root`), sorted by reference.
 */
export function imageUpdates(run: PinRun, root: string): ImageUpdate[] {
  const byKey = new Map<string, ImageUpdate>();
  for (const change of run.changes) {
    const file = toPosix(path.relative(root, change.file));
    for (const { occurrence, digest } of change.rewritten) {
      const ref = occurrence.ref!;
      // One tag may be pinned to different old digests in different files: keep them apart.
      const key = `${lockKey(ref)}\0${ref.digest ?? ''}`;
      const update = byKey.get(key) ?? { reference: lockKey(ref), image: ref.familiarName, tag: ref.tag ?? 'latest', oldDigest: ref.digest ?? '', newDigest: digest, files: [] };
      if (!update.files.includes(file)) update.files.push(file);
      byKey.set(key, update);
    }
  }
  return [...byKey.values()].sort((a, b) => (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : a.oldDigest < b.oldDigest ? -1 : 1));
}

/** explainUpdates adds the drift explanation (version/revision/created) to each update, best effort. */
export async function explainUpdates(updates: ImageUpdate[], run: PinRun, source: ManifestSource): Promise<void> {
  const refs = new Map<string, Occurrence>();
  for (const change of run.changes) for (const r of change.rewritten) refs.set(lockKey(r.occurrence.ref!), r.occurrence);
  await Promise.all(
    updates.map(async (u) => {
      const ref = refs.get(u.reference)?.ref;
      if (!ref) return;
      const explanation = await explainMove(source, ref, u.oldDigest, u.newDigest).catch(() => undefined);
      if (explanation) u.explanation = explanation.summary;
    }),
  );
}

/** digestOnlyReferences lists pinned references without a tag: `update` cannot follow them. */
export function digestOnlyReferences(run: PinRun): Occurrence[] {
  return run.scanned.flatMap((f) => f.occurrences.filter((o) => o.ref?.digest && !o.ref.tag && o.status === 'pinned' && !run.taglessLatest.has(o)));
}
