import type { CustomImagePath } from './types.js';
import { parsePathSpec, type PathSegment } from './path-spec.js';

/** ImageRule says that `path` of an object holds an image, and what kind of position it is. */
export interface ImageRule {
  path: string;
  /** kind is the occurrence kind: `container`, `initContainer`, `crd:Prometheus`, `custom`, … */
  kind: string;
  segments: PathSegment[];
}

/** KindRules lists the image paths of one kind, optionally limited to API groups or an object name. */
export interface KindRules {
  kind: string;
  /** groups the apiVersion must belong to (`''` is the core group); absent = any group. */
  groups?: string[];
  /** name the object must have (for well-known ConfigMaps). */
  name?: string;
  rules: ImageRule[];
}

function rule(path: string, kind: string): ImageRule {
  return { path, kind, segments: parsePathSpec(path) };
}

/** podSpec gives the container paths of a PodSpec at `at` (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#PodSpec). */
function podSpec(at: string): ImageRule[] {
  return [
    rule(`${at}.containers[].image`, 'container'),
    rule(`${at}.initContainers[].image`, 'initContainer'),
    rule(`${at}.ephemeralContainers[].image`, 'ephemeralContainer'),
  ];
}

/** argoTemplate: the image fields of one Argo Workflows template (https://argo-workflows.readthedocs.io/en/latest/fields/#template). */
function argoTemplate(t: string, kind: string): ImageRule[] {
  return [
    rule(`${t}.container.image`, kind),
    rule(`${t}.script.image`, kind),
    rule(`${t}.containerSet.containers[].image`, kind),
    rule(`${t}.initContainers[].image`, kind),
    rule(`${t}.sidecars[].image`, kind),
  ];
}

/**
 * argoTemplates: every template of a WorkflowSpec at `at`: `templates[]`, `templateDefaults`,
 * `inline` templates in `steps` (a sequence of sequences) and `dag.tasks`, and workflow-level
 * executor plugins. `resource.manifest` is a string and is never searched.
 */
function argoTemplates(at: string, kind: string): ImageRule[] {
  const t = `${at}.templates[]`;
  return [
    ...argoTemplate(t, kind),
    ...argoTemplate(`${at}.templateDefaults`, kind),
    ...argoTemplate(`${t}.steps[][].inline`, kind),
    ...argoTemplate(`${t}.dag.tasks[].inline`, kind),
    rule(`${at}.executorPlugins[].spec.sidecar.container.image`, kind),
  ];
}

/** tektonTask: Tekton TaskSpec image fields (https://tekton.dev/docs/pipelines/tasks/). */
function tektonTask(at: string, kind: string): ImageRule[] {
  return [rule(`${at}.steps[].image`, kind), rule(`${at}.sidecars[].image`, kind), rule(`${at}.stepTemplate.image`, kind)];
}

const WORKLOADS = ['ReplicationController', 'ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job'];
const PROMETHEUS_OPERATOR = ['Prometheus', 'PrometheusAgent', 'Alertmanager', 'ThanosRuler'];
const ARGO = ['argoproj.io'];
const TEKTON = ['tekton.dev'];
const KNATIVE = ['serving.knative.dev'];

/** KIND_RULES is the built-in table of kinds and where their images live. */
export const KIND_RULES: readonly KindRules[] = [
  { kind: 'Pod', rules: podSpec('spec') },
  { kind: 'PodTemplate', rules: podSpec('template.spec') },
  ...WORKLOADS.map((kind) => ({ kind, rules: podSpec('spec.template.spec') })),
  { kind: 'CronJob', rules: podSpec('spec.jobTemplate.spec.template.spec') },
  // Argo Rollouts: https://argo-rollouts.readthedocs.io/en/stable/features/specification/
  { kind: 'Rollout', groups: ARGO, rules: podSpec('spec.template.spec') },
  ...['AnalysisTemplate', 'ClusterAnalysisTemplate', 'AnalysisRun'].map((kind) => ({
    kind, groups: ARGO, rules: podSpec('spec.metrics[].provider.job.spec.template.spec'),
  })),
  ...['Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate'].map((kind) => ({
    kind, groups: ARGO, rules: argoTemplates('spec', `crd:${kind}`),
  })),
  { kind: 'CronWorkflow', groups: ARGO, rules: argoTemplates('spec.workflowSpec', 'crd:CronWorkflow') },
  // https://argo-workflows.readthedocs.io/en/latest/executor_plugins/
  { kind: 'ExecutorPlugin', groups: ARGO, rules: [rule('spec.sidecar.container.image', 'crd:ExecutorPlugin')] },
  // kind cluster configs: https://kind.sigs.k8s.io/docs/user/configuration/#nodes (node images are best pinned by digest)
  { kind: 'Cluster', groups: ['kind.x-k8s.io'], rules: [rule('nodes[].image', 'kind-node')] },
  // prometheus-operator: `spec.image` plus strategic-merge container overrides (often without images).
  ...PROMETHEUS_OPERATOR.map((kind) => ({
    kind, groups: ['monitoring.coreos.com'],
    rules: [rule('spec.image', `crd:${kind}`), rule('spec.thanos.image', `crd:${kind}`), ...podSpec('spec')],
  })),
  { kind: 'Tenant', groups: ['minio.min.io'], rules: [rule('spec.image', 'crd:Tenant'), rule('spec.kes.image', 'crd:Tenant')] },
  // Knative Serving: https://knative.dev/docs/serving/reference/serving-api/
  { kind: 'Service', groups: KNATIVE, rules: podSpec('spec.template.spec') },
  { kind: 'Configuration', groups: KNATIVE, rules: podSpec('spec.template.spec') },
  { kind: 'Revision', groups: KNATIVE, rules: podSpec('spec') },
  { kind: 'Image', groups: ['caching.internal.knative.dev'], rules: [rule('spec.image', 'crd:Image')] },
  // The queue-proxy sidecar image Knative injects into every revision pod.
  { kind: 'ConfigMap', groups: [''], name: 'config-deployment', rules: [rule('data.queue-sidecar-image', 'configmap:queue-sidecar-image')] },
  ...['Task', 'ClusterTask'].map((kind) => ({ kind, groups: TEKTON, rules: tektonTask('spec', `crd:${kind}`) })),
  { kind: 'TaskRun', groups: TEKTON, rules: tektonTask('spec.taskSpec', 'crd:TaskRun') },
  { kind: 'StepAction', groups: TEKTON, rules: [rule('spec.image', 'crd:StepAction')] },
  {
    kind: 'Pipeline', groups: TEKTON,
    rules: [...tektonTask('spec.tasks[].taskSpec', 'crd:Pipeline'), ...tektonTask('spec.finally[].taskSpec', 'crd:Pipeline')],
  },
  {
    kind: 'PipelineRun', groups: TEKTON,
    rules: [
      ...tektonTask('spec.pipelineSpec.tasks[].taskSpec', 'crd:PipelineRun'),
      ...tektonTask('spec.pipelineSpec.finally[].taskSpec', 'crd:PipelineRun'),
    ],
  },
];

/** GENERIC_EXCLUDED kinds never get the generic containers search (schemas and opaque data). */
const GENERIC_EXCLUDED = new Set(['CustomResourceDefinition', 'ConfigMap', 'Secret', 'Kustomization', 'Component']);

/**
 * GENERIC_EXCLUDED_GROUPS hold policies whose `containers[].image` are match
 * patterns, not images to run (Kyverno, Gatekeeper, admission webhooks).
 */
const GENERIC_EXCLUDED_GROUPS = new Set([
  'apiextensions.k8s.io', 'admissionregistration.k8s.io', 'kyverno.io', 'wgpolicyk8s.io',
  'constraints.gatekeeper.sh', 'templates.gatekeeper.sh', 'mutations.gatekeeper.sh',
]);

/** apiGroup returns the API group of an apiVersion (`apps/v1` → `apps`, `v1` → ``). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** RuleSet is what applies to one object: table rules, custom rules, and whether to search generically. */
export interface RuleSet {
  rules: ImageRule[];
  /** generic: unknown kind, so search `containers`/`initContainers`/`ephemeralContainers` sequences anywhere (as kustomize does). */
  generic: boolean;
}

/** rulesFor picks the rules for an object from the table plus the user's custom paths. */
export function rulesFor(kind: string, apiVersion: string, name: string | undefined, custom: readonly CustomImagePath[]): RuleSet {
  const group = apiGroup(apiVersion);
  const known = KIND_RULES.filter((k) => k.kind === kind && (!k.groups || k.groups.includes(group)));
  const rules = known.filter((k) => k.name === undefined || k.name === name).flatMap((k) => k.rules);
  const user = custom
    .filter((c) => c.kind === kind && (c.apiVersion === undefined || c.apiVersion === apiVersion))
    .map((c) => rule(c.path, 'custom'));
  const tableKind = KIND_RULES.some((k) => k.kind === kind && k.name === undefined && (!k.groups || k.groups.includes(group)));
  const generic = !tableKind && !GENERIC_EXCLUDED.has(kind) && !GENERIC_EXCLUDED_GROUPS.has(group);
  return { rules: [...rules, ...user], generic };
}
