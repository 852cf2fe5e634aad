// Values that look like image references but are filled in by some other tool
// before anything pulls them. Finders report these as skipped occurrences
// instead of parse errors, as Renovate's dockerfile extract does with its
// `contains-variable` skip reason.

/** TemplateReason is the short reason isTemplated gives for a value that is not a literal registry image. */
export type TemplateReason =
  | 'ko-import-path'
  | 'helm-template'
  | 'argo-parameter'
  | 'jinja-template'
  | 'tekton-param'
  | 'substitution'
  | 'variable';

// Tekton variable roots: https://tekton.dev/docs/pipelines/variables/
// Argo Workflows variables: https://argo-workflows.readthedocs.io/en/latest/variables/
// (`{{inputs.parameters.x}}`, `{{workflow.name}}`, `{{item}}`, `{{=expr}}`); Helm's start with `.` or a function.
const ARGO_VARIABLE = /\{\{-?\s*(?:=|(?:inputs|outputs|workflow|steps|tasks|item|pod|node|retries|lastRetry|cronworkflow)(?:[.}\s]))/;

const TEKTON_ROOT = /\$\(\s*(?:params|inputs|outputs|resources|context|tasks|steps|workspaces|results|finally)[.[]/;

/**
 * isTemplated returns why a value is templated or otherwise not a registry
 * image, or undefined for a value that should be parsed as a reference:
 * - `ko-import-path`: `ko://github.com/org/cmd`, built and replaced by ko
 * - `argo-parameter`: `{{inputs.parameters.image}}` (Argo Workflows variables and expressions)
 * - `helm-template`: `{{ .Values.image }}` (Helm and other Go templates)
 * - `jinja-template`: `{% if %}` blocks (Jinja, Ansible)
 * - `tekton-param`: `$(params.image)` and other Tekton variables
 * - `substitution`: any other `$(...)` (shell command or Kubernetes `$(VAR)` substitution)
 * - `variable`: `${REGISTRY}` or `$REGISTRY` (shell, Compose, envsubst, Dockerfile ARG)
 */
export function isTemplated(value: string): TemplateReason | undefined {
  if (value.startsWith('ko://')) return 'ko-import-path';
  if (ARGO_VARIABLE.test(value)) return 'argo-parameter';
  if (value.includes('{{')) return 'helm-template';
  if (value.includes('{%')) return 'jinja-template';
  if (TEKTON_ROOT.test(value)) return 'tekton-param';
  if (value.includes('$(')) return 'substitution';
  if (value.includes('${') || /\$[A-Za-z_]/.test(value)) return 'variable';
  return undefined;
}
