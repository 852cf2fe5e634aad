import { isScalar, type YAMLMap } from 'yaml';
import { isTemplated } from '../reference/index.js';
import { keyString } from '../yaml/reader.js';
import { classifyReference } from './image-occurrence.js';
import { base, digestOf, scalarText, skip, spanOf, tagDigestPlan, type Classified, type DigestField, type Walk } from './helm-fields.js';

/**
 * SplitKeys: a name key and its tag key side by side in one map (`image` + `imageTag`, as in
 * grafana loki-stack; `fooImage` + `fooTag`; `imageRepository` + `imageTag`), and the
 * digest key a chart would read with them.
 */
function splitKeys(key: string): { tag: string[]; digest: string[] } | undefined {
  const stem = /^(.*?)(Image|Repository|ImageRepository)$/.exec(key)?.[1];
  if (key === 'image' || key === 'imageRepository' || key === 'imageName') return { tag: ['imageTag'], digest: ['imageDigest'] };
  if (stem) return { tag: [`${stem}Tag`, `${stem}ImageTag`], digest: [`${stem}Digest`, `${stem}ImageDigest`] };
  return undefined;
}

/** onSplitImages reports name + tag keys of one map as one image; returns the scalars it reported. */
export function onSplitImages(w: Walk, map: YAMLMap, path: string): Set<unknown> {
  const used = new Set<unknown>();
  for (const pair of map.items) {
    const key = keyString(pair.key);
    const keys = key === undefined ? undefined : splitKeys(key);
    const tagKey = keys?.tag.find((k) => w.reader.pair(map, k));
    const nameNode = w.reader.resolve(pair.value);
    if (!keys || !tagKey || !isScalar(nameNode) || typeof nameNode.value !== 'string') continue;
    const span = spanOf(w, map, key!);
    if (!span) continue;
    used.add(nameNode);
    const tag = scalarText(w, w.reader.get(map, tagKey));
    const digestKey = keys.digest.find((k) => w.reader.pair(map, k));
    const occurrence = base(w, span, path === '' ? key! : `${path}.${key!}`, 'helm-image-split');
    const field: DigestField | undefined = digestKey ? { key: 'digest', value: scalarText(w, w.reader.get(map, digestKey)) || undefined, span: spanOf(w, map, digestKey) } : undefined;
    w.out.push({ ...occurrence, ...classifySplit(w, map, nameNode.value, tag, tagKey, field) });
  }
  return used;
}

/** classifySplit decides a split-key image's status: pinnable only through a digest key the chart has. */
function classifySplit(w: Walk, map: YAMLMap, name: string, tag: string | undefined, tagKey: string, field: DigestField | undefined): Classified {
  const templated = [name, tag, field?.value].map((p) => (p ? isTemplated(p) : undefined)).find(Boolean);
  if (templated) return skip(templated);
  const { digest, problem } = field ? digestOf(field) : {};
  if (problem) return skip(problem);
  const classified = classifyReference(`${name}${tag ? `:${tag}` : ''}${digest && !tag?.includes('@') ? `@${digest}` : ''}`);
  if (classified.status === 'skipped') return classified;
  if (tag?.includes('@')) return digest ? skip('digest in both tag and digest field') : tagDigestPlan(w, map, tagKey, classified);
  if (!field) return skip(`chart has no digest field (${tagKey} beside the name)`);
  if (!field.span) return skip('digest field is not a plain or quoted scalar');
  return { ...classified, plan: { type: 'digest-field', value: field.span, withAlgorithm: true } };
}
