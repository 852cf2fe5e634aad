import { isMap, isScalar, type Scalar, type YAMLMap } from 'yaml';
import { YamlReader } from '../yaml/reader.js';
import { parseYaml } from '../yaml/source.js';
import { slotOccurrence, type ImageSlot } from './compose.js';
import type { Finder, FindResult, Occurrence } from './types.js';

// GitHub Actions: https://docs.github.com/actions/writing-workflows/workflow-syntax-for-github-actions
//   jobs.<id>.container (string or {image}), jobs.<id>.services.<id>.image,
//   jobs.<id>.steps[*].uses: docker://image; action metadata runs.image / runs.steps[*].uses
//   (https://docs.github.com/actions/sharing-automations/creating-actions/metadata-syntax-for-github-actions).
// GitLab CI: https://docs.gitlab.com/ci/yaml/  image / services (string or {name}),
//   at the top level (deprecated globals), under `default:` and in every job.

const DOCKER_PREFIX = 'docker://';

/** Slot is a physical scalar found in a CI position, plus the prefix that precedes the reference. */
interface Slot extends ImageSlot {
  prefix: string;
}

/** Walk carries the reader and the collector through one document. */
interface Walk {
  reader: YamlReader;
  collect(slot: Slot): void;
}

function addImage(w: Walk, value: unknown, path: string, kind: string, prefix = ''): void {
  const node = w.reader.resolve(value);
  if (!isScalar(node) || typeof node.value !== 'string') return;
  if (prefix !== '' && !node.value.startsWith(prefix)) return;
  w.collect({ scalar: node, path, kind, prefix });
}

/** addImageOrName handles `image: x` and the `image: {name: x}` / `container: {image: x}` forms. */
function addImageOrName(w: Walk, value: unknown, key: string, path: string, kind: string): void {
  const map = w.reader.map(value);
  if (map) addImage(w, w.reader.get(map, key), `${path}.${key}`, kind);
  else addImage(w, value, path, kind);
}

function githubSteps(w: Walk, steps: unknown, path: string): void {
  w.reader.seq(steps)?.items.forEach((item, i) => {
    const step = w.reader.map(item);
    if (step) addImage(w, w.reader.get(step, 'uses'), `${path}[${i}].uses`, 'gha-step', DOCKER_PREFIX);
  });
}

function githubWorkflow(w: Walk, root: YAMLMap): void {
  const { reader } = w;
  const jobs = reader.map(reader.get(root, 'jobs'));
  if (!jobs) return;
  for (const id of reader.keys(jobs)) {
    const job = reader.map(reader.get(jobs, id));
    if (!job) continue;
    const at = `jobs.${id}`;
    addImageOrName(w, reader.get(job, 'container'), 'image', `${at}.container`, 'gha-container');
    const services = reader.map(reader.get(job, 'services'));
    for (const name of services ? reader.keys(services) : []) {
      const service = reader.map(reader.get(services!, name));
      if (service) addImage(w, reader.get(service, 'image'), `${at}.services.${name}.image`, 'gha-service');
    }
    githubSteps(w, reader.get(job, 'steps'), `${at}.steps`);
  }
}

function githubAction(w: Walk, root: YAMLMap): void {
  const runs = w.reader.map(w.reader.get(root, 'runs'));
  if (!runs) return;
  addImage(w, w.reader.get(runs, 'image'), 'runs.image', 'gha-action', DOCKER_PREFIX);
  githubSteps(w, w.reader.get(runs, 'steps'), 'runs.steps');
}

// Top-level keys that are not jobs: https://docs.gitlab.com/ci/yaml/#global-keywords
const GITLAB_GLOBAL = new Set([
  'default', 'include', 'stages', 'variables', 'workflow', 'spec', 'cache',
  'image', 'services', 'before_script', 'after_script',
]);

function gitlabImages(w: Walk, holder: YAMLMap, path: string): void {
  addImageOrName(w, w.reader.get(holder, 'image'), 'name', `${path}image`, 'gitlab-image');
  w.reader.seq(w.reader.get(holder, 'services'))?.items.forEach((item, i) => {
    addImageOrName(w, item, 'name', `${path}services[${i}]`, 'gitlab-service');
  });
}

function gitlabPipeline(w: Walk, root: YAMLMap): void {
  gitlabImages(w, root, '');
  const defaults = w.reader.map(w.reader.get(root, 'default'));
  if (defaults) gitlabImages(w, defaults, 'default.');
  // Every other top-level mapping is a job; hidden jobs (`.template:`) too, since
  // `extends:` and anchors make their images run.
  for (const name of w.reader.keys(root)) {
    const job = GITLAB_GLOBAL.has(name) ? undefined : w.reader.map(w.reader.get(root, name));
    if (job) gitlabImages(w, job, `${name}.`);
  }
}

const GITHUB_WORKFLOW = /(?:^|[/\\])\.github[/\\]workflows[/\\][^/\\]+\.ya?ml$/i;
const GITHUB_ACTION = /(?:^|[/\\])action\.ya?ml$/i;
const GITLAB = /(?:(?:^|[/\\.])gitlab-ci\.ya?ml|(?:^|[/\\])\.gitlab[/\\]ci[/\\].+\.ya?ml)$/i;

type Flavour = 'github-workflow' | 'github-action' | 'gitlab';

function flavourOf(file: string): Flavour | undefined {
  if (GITHUB_WORKFLOW.test(file)) return 'github-workflow';
  if (GITLAB.test(file)) return 'gitlab';
  if (GITHUB_ACTION.test(file)) return 'github-action';
  return undefined;
}

const WALKERS: Record<Flavour, (w: Walk, root: YAMLMap) => void> = {
  'github-workflow': githubWorkflow,
  'github-action': githubAction,
  gitlab: gitlabPipeline,
};

/** findCiImages extracts images from GitHub Actions workflows/actions and GitLab CI files. */
export function findCiImages(file: string, text: string): FindResult {
  const flavour = flavourOf(file);
  if (!flavour) return { occurrences: [] };
  const source = parseYaml(file, text);
  // Anchors and `extends` can put one physical scalar in several jobs: one occurrence per scalar.
  const slots = new Map<Scalar, Slot>();
  const collect = (slot: Slot): void => {
    if (!slots.has(slot.scalar)) slots.set(slot.scalar, slot);
  };
  for (const doc of source.documents) {
    const reader = new YamlReader(doc, source);
    const root = reader.resolve(doc.contents);
    if (isMap(root)) WALKERS[flavour]({ reader, collect }, root);
  }
  const occurrences: Occurrence[] = [];
  for (const slot of slots.values()) {
    const occurrence = slotOccurrence(source, 'ci', slot, slot.prefix);
    if (occurrence) occurrences.push(occurrence);
  }
  return { occurrences: occurrences.sort((a, b) => a.span.start - b.span.start) };
}

/** matchesCi reports whether a path is a GitHub workflow, a GitHub action file or a GitLab CI file. */
export function matchesCi(file: string): boolean {
  return flavourOf(file) !== undefined;
}

/** ciFinder finds container images in CI configuration (id `ci`). */
export const ciFinder: Finder = {
  id: 'ci',
  matches: (file) => matchesCi(file),
  find: (file, text) => findCiImages(file, text),
};
