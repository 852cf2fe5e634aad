import type { ImageReference } from '../reference/types.js';
import type { TextSpan } from '../yaml/source.js';

/** OccurrenceStatus says whether an occurrence needs pinning, is pinned, or must be left alone. */
export type OccurrenceStatus = 'unpinned' | 'pinned' | 'skipped';

/** TextSpan is a range of the file's text plus the text itself (it lives with the YAML helpers). */
export type { TextSpan } from '../yaml/source.js';

/**
 * ReferencePlan: the occurrence's own text is an image reference; pinning
 * replaces that text with `name[:tag]@digest` in the user's own spelling.
 */
export interface ReferencePlan {
  type: 'reference';
}

/**
 * DigestFieldPlan: the reference is assembled from several fields (kustomize
 * `images[]`, Helm values maps); pinning writes only the digest field.
 */
export interface DigestFieldPlan {
  type: 'digest-field';
  /** value is the existing digest scalar (inside any quotes), when the field exists. */
  value?: TextSpan;
  /** insert says where to add a new `key: value` line when the field is absent. */
  insert?: {
    /** offset is where the new line starts (the start of the line after the anchor field). */
    offset: number;
    /** indent is the whitespace that starts sibling keys. */
    indent: string;
    /** key is the field name to write (`digest`). */
    key: string;
    /** eol is the file's line ending (`\n` or `\r\n`). */
    eol: string;
    /** atEndWithoutNewline: the anchor line is the file's last and has no line ending. */
    atEndWithoutNewline?: boolean;
  };
  /** withAlgorithm: write `sha256:hex` (true) or the bare hex (Helm `sha:` fields). */
  withAlgorithm: boolean;
  /** tag is the tag field's value (kustomize `newTag`, Helm `tag`), so `update --versions` can move it with the digest. */
  tag?: TextSpan;
}

/** WritePlan describes how an occurrence is rewritten once its digest is known. */
export type WritePlan = ReferencePlan | DigestFieldPlan;

/** PodContext carries what kubelet would know about the pod an image runs in. */
export interface PodContext {
  namespace?: string;
  imagePullSecrets?: string[];
  serviceAccountName?: string;
  /** imagePullPolicy is the explicit policy, when the container sets one. */
  imagePullPolicy?: string;
  /** containerIndent is the indentation of the container's keys (for inserting a policy). */
  containerIndent?: string;
}

/** Occurrence is one image reference found in a file; plain data, no behaviour. */
export interface Occurrence {
  /** file is the path as given to the finder. */
  file: string;
  /** line and column (1-based) of `span.start`. */
  line: number;
  column: number;
  /** span is the text that identifies the reference (the image scalar, or the kustomize `name`). */
  span: TextSpan;
  /** finder is the id of the finder that produced this occurrence. */
  finder: string;
  /** kind says what position it is (`container`, `initContainer`, `kustomize-image`, `crd:Prometheus`, …). */
  kind: string;
  /** path is the YAML path of the value, e.g. `spec.template.spec.containers[0].image`. */
  path?: string;
  status: OccurrenceStatus;
  /** skipReason explains a `skipped` status (`templated`, `ko-import-path`, `build-image`, …). */
  skipReason?: string;
  /** ref is the parsed reference for `unpinned` and `pinned` occurrences. */
  ref?: ImageReference;
  /** plan says how to rewrite; absent when the occurrence is skipped. */
  plan?: WritePlan;
  /** pod is set for containers in pod specs. */
  pod?: PodContext;
}

/** FoundSecret is an image pull Secret found in a scanned tree (for --pull-secrets-from-tree). */
export interface FoundSecret {
  file: string;
  name: string;
  namespace?: string;
  /** type is `kubernetes.io/dockerconfigjson` or `kubernetes.io/dockercfg`. */
  type: string;
  /** document is the parsed Secret object (data / stringData still encoded). */
  document: Record<string, unknown>;
}

/** FoundServiceAccount is a ServiceAccount with imagePullSecrets found in a scanned tree. */
export interface FoundServiceAccount {
  file: string;
  name: string;
  namespace?: string;
  imagePullSecrets: string[];
}

/** FindResult is everything a finder extracts from one file. */
export interface FindResult {
  occurrences: Occurrence[];
  secrets?: FoundSecret[];
  serviceAccounts?: FoundServiceAccount[];
}

/** CustomImagePath declares an image field on another kind (from `.digestpin.yaml`). */
export interface CustomImagePath {
  kind: string;
  apiVersion?: string;
  /** path such as `spec.foo[].image` or `spec.runLatest.container.image`. */
  path: string;
}

/** FinderOptions are the user-configurable knobs finders honour. */
export interface FinderOptions {
  customPaths?: CustomImagePath[];
  /** dockerfileCopyFrom: also pin `COPY --from=<image>` (opt-in). */
  dockerfileCopyFrom?: boolean;
  /** maxFileSize (bytes) is a scan limit, not a finder knob: the pipeline ignores larger files unread. */
  maxFileSize?: number;
}

/** Finder extracts image occurrences from a file's text. Pure: no I/O, no network. */
export interface Finder {
  /** id is the finder's stable name (`kubernetes`, `kustomize`, …). */
  readonly id: string;
  /** matches decides from the file name (and text, when needed) whether this finder applies. */
  matches(file: string, text: string): boolean;
  /** find extracts occurrences; throws PinError('YAML_SYNTAX') with file:line:col on malformed input. */
  find(file: string, text: string, options: FinderOptions): FindResult;
}
