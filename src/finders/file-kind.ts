// File-name tests shared by the finders and the registry (kept apart to avoid import cycles).

/** baseName returns the last path component, for `/` and `\` separators. */
export function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

/** isYamlFile reports whether a path names a YAML file (`.yaml` / `.yml`). */
export function isYamlFile(file: string): boolean {
  return /\.ya?ml$/i.test(file);
}

// kustomize's recognised file names: https://github.com/kubernetes-sigs/kustomize/blob/master/api/konfig/general.go
const KUSTOMIZATION_NAMES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

/** isKustomizationName reports whether kustomize would load this file as a kustomization. */
export function isKustomizationName(file: string): boolean {
  return KUSTOMIZATION_NAMES.has(baseName(file));
}

/** declaresKustomization reports whether YAML text has a top-level `kind: Kustomization` or `kind: Component`. */
export function declaresKustomization(text: string): boolean {
  return /^kind:[ \t]*(["']?)(Kustomization|Component)\1[ \t]*(#.*)?\r?$/m.test(text);
}

/**
 * isHelmTemplate reports whether a file is a Go template rather than YAML:
 * a chart's `templates/` file (or a `.tpl`/`.gotmpl` file) that contains `{{`.
 */
export function isHelmTemplate(file: string, text: string): boolean {
  const normalized = file.replace(/\\/g, '/');
  const templated = /(^|\/)templates\//.test(normalized) || /\.(tpl|gotmpl|tmpl)$/i.test(normalized);
  return templated && text.includes('{{');
}
