/**
 * The kubelet's CredentialProviderConfig (`--image-credential-provider-config`),
 * read and validated as kubernetes pkg/credentialprovider/plugin/config.go
 * does: a YAML or JSON file, or a directory whose *.json/*.yaml/*.yml files
 * are merged in lexicographic order; decoding is strict (unknown fields fail).
 * https://kubernetes.io/docs/reference/config-api/kubelet-config.v1/#kubelet-config-k8s-io-v1-CredentialProviderConfig
 */
import { promises as fs } from 'node:fs';
import { extname, join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { PinError } from '../../errors.js';
import { parseSchemelessUrl } from '../kubelet-match.js';
import { parseGoDuration } from './duration.js';

/** CONFIG_API_VERSIONS are the CredentialProviderConfig versions the kubelet decodes. */
export const CONFIG_API_VERSIONS: readonly string[] = ['kubelet.config.k8s.io/v1', 'kubelet.config.k8s.io/v1beta1', 'kubelet.config.k8s.io/v1alpha1'];

/** PLUGIN_API_VERSIONS are the exec plugin API versions (`providers[].apiVersion`); all share one shape. */
export const PLUGIN_API_VERSIONS: readonly string[] = [
  'credentialprovider.kubelet.k8s.io/v1',
  'credentialprovider.kubelet.k8s.io/v1beta1',
  'credentialprovider.kubelet.k8s.io/v1alpha1',
];

/** ProviderSpec is one validated `providers[]` entry. */
export interface ProviderSpec {
  name: string;
  matchImages: string[];
  defaultCacheDurationMs: number;
  apiVersion: string;
  args: string[];
  env: { name: string; value: string }[];
  /** requireServiceAccount is set when `tokenAttributes` asks for a pod's service account token. */
  requireServiceAccount?: boolean;
  /** source is `file:line:col` of the entry, for messages. */
  source: string;
}

const TOP_KEYS = new Set(['apiVersion', 'kind', 'providers']);
const PROVIDER_KEYS = new Set(['name', 'matchImages', 'defaultCacheDuration', 'apiVersion', 'args', 'env', 'tokenAttributes']);
const TOKEN_KEYS = new Set(['serviceAccountTokenAudience', 'cacheType', 'requireServiceAccount', 'requiredServiceAccountAnnotationKeys', 'optionalServiceAccountAnnotationKeys']);

/** readCredentialProviderConfig reads a config file or directory; errors are CONFIG_INVALID naming file:line:col. */
export async function readCredentialProviderConfig(configPath: string): Promise<ProviderSpec[]> {
  const files = await configFiles(configPath);
  const providers: ProviderSpec[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      throw new PinError('CONFIG_INVALID', `credential provider config ${file}: ${(error as Error).message}`);
    }
    for (const p of parseCredentialProviderConfig(text, file)) {
      const dup = providers.find((q) => q.name === p.name);
      if (dup) throw new PinError('CONFIG_INVALID', `${p.source}: duplicate provider name "${p.name}" (first at ${dup.source})`);
      providers.push(p);
    }
  }
  return providers;
}

async function configFiles(configPath: string): Promise<string[]> {
  let stat;
  try {
    stat = await fs.stat(configPath);
  } catch (error) {
    throw new PinError('CONFIG_INVALID', `credential provider config ${configPath}: ${(error as Error).message}`);
  }
  if (!stat.isDirectory()) return [configPath];
  const entries = await fs.readdir(configPath, { withFileTypes: true });
  const files = entries
    .filter((e) => !e.isDirectory() && ['.json', '.yaml', '.yml'].includes(extname(e.name)))
    .map((e) => join(configPath, e.name))
    .sort();
  if (files.length === 0) throw new PinError('CONFIG_INVALID', `credential provider config ${configPath}: no *.json, *.yaml or *.yml files in the directory`);
  return files;
}

/** parseCredentialProviderConfig parses and validates one config document (YAML or JSON). */
export function parseCredentialProviderConfig(text: string, file: string): ProviderSpec[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const at = (path: readonly (string | number)[]): string => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    const pos = node?.range ? lines.linePos(node.range[0]) : undefined;
    return pos ? `${file}:${pos.line}:${pos.col}` : file;
  };
  const fail = (path: readonly (string | number)[], what: string): never => {
    throw new PinError('CONFIG_INVALID', `${at(path)}: ${what}`);
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = lines.linePos(e.pos[0]);
    throw new PinError('CONFIG_INVALID', `${file}:${pos.line}:${pos.col}: ${e.code === 'DUPLICATE_KEY' ? 'duplicate key' : 'invalid YAML/JSON'}`);
  }
  const root = doc.toJS() as unknown;
  if (!isObject(root)) return fail([], 'expected a CredentialProviderConfig mapping');
  unknownKeys(root, TOP_KEYS, [], fail);
  if (root.kind !== 'CredentialProviderConfig') fail(['kind'], `kind must be CredentialProviderConfig`);
  if (typeof root.apiVersion !== 'string' || !CONFIG_API_VERSIONS.includes(root.apiVersion)) {
    fail(['apiVersion'], `apiVersion must be one of ${CONFIG_API_VERSIONS.join(', ')}`);
  }
  if (!Array.isArray(root.providers) || root.providers.length === 0) fail(['providers'], 'providers: at least 1 item is required');
  const seen = new Map<string, string>();
  return (root.providers as unknown[]).map((p, i) => {
    const spec = providerSpec(p, i, at, fail);
    const first = seen.get(spec.name);
    if (first) fail(['providers', i, 'name'], `duplicate provider name "${spec.name}" (first at ${first})`);
    seen.set(spec.name, spec.source);
    return spec;
  });
}

type Fail = (path: readonly (string | number)[], what: string) => never;

function providerSpec(p: unknown, i: number, at: (path: readonly (string | number)[]) => string, fail: Fail): ProviderSpec {
  const base = ['providers', i];
  if (!isObject(p)) return fail(base, `providers[${i}] must be a mapping`);
  unknownKeys(p, PROVIDER_KEYS, base, fail);
  const { name, matchImages, defaultCacheDuration, apiVersion, args, env, tokenAttributes } = p;
  if (typeof name !== 'string' || name === '') fail([...base, 'name'], `providers[${i}].name is required`);
  const n = name as string;
  if (n.includes('/') || n.includes('\\') || n.includes(' ') || n === '.' || n === '..') {
    fail([...base, 'name'], `provider name "${n}" must be a file name in the bin directory (no '/', spaces, '.' or '..')`);
  }
  if (typeof apiVersion !== 'string' || !PLUGIN_API_VERSIONS.includes(apiVersion)) {
    fail([...base, 'apiVersion'], `providers[${i}].apiVersion must be one of ${PLUGIN_API_VERSIONS.join(', ')}`);
  }
  if (!Array.isArray(matchImages) || matchImages.length === 0) fail([...base, 'matchImages'], `providers[${i}].matchImages: at least 1 item is required`);
  (matchImages as unknown[]).forEach((m, j) => {
    if (typeof m !== 'string' || parseSchemelessUrl(m) === undefined) fail([...base, 'matchImages', j], `match image ${JSON.stringify(m)} is invalid`);
  });
  const cacheMs = typeof defaultCacheDuration === 'string' ? parseGoDuration(defaultCacheDuration) : undefined;
  if (cacheMs === undefined || cacheMs < 0) {
    fail([...base, 'defaultCacheDuration'], `providers[${i}].defaultCacheDuration is required: a duration >= 0 such as "12h" or "0s"`);
  }
  if (args !== undefined && (!Array.isArray(args) || !args.every((a) => typeof a === 'string'))) fail([...base, 'args'], `providers[${i}].args must be a list of strings`);
  const envList = env === undefined || env === null ? [] : env;
  if (!Array.isArray(envList)) return fail([...base, 'env'], `providers[${i}].env must be a list of {name, value}`);
  envList.forEach((e, j) => {
    if (!isObject(e) || typeof e.name !== 'string' || e.name === '' || typeof e.value !== 'string' || Object.keys(e).some((k) => k !== 'name' && k !== 'value')) {
      fail([...base, 'env', j], `providers[${i}].env[${j}] must be {name, value} strings`);
    }
  });
  const spec: ProviderSpec = {
    name: n,
    matchImages: matchImages as string[],
    defaultCacheDurationMs: cacheMs!,
    apiVersion: apiVersion as string,
    args: (args as string[] | undefined) ?? [],
    env: envList as { name: string; value: string }[],
    source: at(base),
  };
  if (tokenAttributes !== undefined && tokenAttributes !== null) spec.requireServiceAccount = tokenRequirement(tokenAttributes, spec, [...base, 'tokenAttributes'], fail);
  return spec;
}

/** tokenRequirement validates `tokenAttributes` (service account token mode) and returns requireServiceAccount. */
function tokenRequirement(t: unknown, spec: ProviderSpec, path: (string | number)[], fail: Fail): boolean {
  if (!isObject(t)) return fail(path, 'tokenAttributes must be a mapping');
  unknownKeys(t, TOKEN_KEYS, path, fail);
  if (spec.apiVersion !== 'credentialprovider.kubelet.k8s.io/v1') fail(path, 'tokenAttributes is only supported for credentialprovider.kubelet.k8s.io/v1');
  if (typeof t.serviceAccountTokenAudience !== 'string' || t.serviceAccountTokenAudience === '') fail(path, 'tokenAttributes.serviceAccountTokenAudience is required');
  if (typeof t.requireServiceAccount !== 'boolean') fail(path, 'tokenAttributes.requireServiceAccount is required (true or false)');
  return t.requireServiceAccount as boolean;
}

function unknownKeys(value: Record<string, unknown>, known: ReadonlySet<string>, path: (string | number)[], fail: Fail): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) fail([...path, key], `unknown field "${key}" (known: ${[...known].join(', ')})`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

