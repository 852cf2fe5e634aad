import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { isPinError, PinError } from './errors.js';
import { parseMirror } from './registry/endpoint.js';
import type { CustomImagePath, FinderOptions } from './finders/types.js';
import { parseByteSize } from './pipeline/byte-size.js';
import { EMPTY_UPDATE_SETTINGS, parseUpdateSettings, type UpdateSettings } from './update/rules.js';

/** CONFIG_FILE is looked up in the current directory when --config is not given. */
export const CONFIG_FILE = '.digestpin.yaml';

/** DigestpinConfig is the parsed `.digestpin.yaml`. */
export interface DigestpinConfig {
  /** customImagePaths declares image fields on other kinds: `{kind, apiVersion?, path}`. */
  customImagePaths: CustomImagePath[];
  /** registryMirrors are `SRC=DST[/prefix]` strings, as for --registry-mirror. */
  registryMirrors: string[];
  insecureRegistries: string[];
  include: string[];
  exclude: string[];
  /** dockerfileCopyFrom also pins `COPY --from=<image>` in Dockerfiles. */
  dockerfileCopyFrom: boolean;
  /** imageCredentialProviderConfig is the kubelet CredentialProviderConfig path, resolved against the config file's directory. */
  imageCredentialProviderConfig?: string;
  /** imageCredentialProviderBinDir is the plugin directory, resolved against the config file's directory. */
  imageCredentialProviderBinDir?: string;
  /** maxFileSize (bytes): larger files are ignored unread (`--max-file-size` wins). */
  maxFileSize?: number;
  /** updates holds `update`'s version policy, per-image rules, groups and PR metadata. */
  updates: UpdateSettings;
}

const EMPTY: DigestpinConfig = { customImagePaths: [], registryMirrors: [], insecureRegistries: [], include: [], exclude: [], dockerfileCopyFrom: false, updates: EMPTY_UPDATE_SETTINGS };

/** loadConfig reads an explicit config file, or `.digestpin.yaml` in `cwd` when present. */
export async function loadConfig(cwd: string, explicit?: string): Promise<DigestpinConfig> {
  const file = path.resolve(cwd, explicit ?? CONFIG_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if (!explicit && (error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY;
    throw new PinError('CONFIG_INVALID', `cannot read config ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new PinError('CONFIG_INVALID', `${file}: ${(error as Error).message}`);
  }
  return validateConfig(value ?? {}, file);
}

/** validateConfig checks a parsed config object and fills defaults. */
export function validateConfig(value: unknown, source: string): DigestpinConfig {
  const fail = (what: string): never => {
    throw new PinError('CONFIG_INVALID', `${source}: ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('expected a mapping');
  const v = value as Record<string, unknown>;
  const known = new Set(['customImagePaths', 'registryMirrors', 'insecureRegistries', 'include', 'exclude', 'dockerfileCopyFrom',
    'imageCredentialProviderConfig', 'imageCredentialProviderBinDir', 'maxFileSize', 'updates']);
  if (v.dockerfileCopyFrom !== undefined && typeof v.dockerfileCopyFrom !== 'boolean') fail('"dockerfileCopyFrom" must be true or false');
  for (const key of Object.keys(v)) if (!known.has(key)) fail(`unknown key "${key}" (known: ${[...known].join(', ')})`);
  return {
    customImagePaths: (v.customImagePaths === undefined ? [] : list(v.customImagePaths, 'customImagePaths', fail)).map((p, i) => customPath(p, i, fail)),
    registryMirrors: mirrors(strings(v.registryMirrors, 'registryMirrors', fail), fail),
    insecureRegistries: strings(v.insecureRegistries, 'insecureRegistries', fail),
    include: strings(v.include, 'include', fail),
    exclude: strings(v.exclude, 'exclude', fail),
    dockerfileCopyFrom: v.dockerfileCopyFrom === true,
    ...providerPath(v, 'imageCredentialProviderConfig', source, fail),
    ...providerPath(v, 'imageCredentialProviderBinDir', source, fail),
    ...(v.maxFileSize === undefined ? {} : { maxFileSize: configSize(v.maxFileSize, source) }),
    updates: parseUpdateSettings(v.updates, fail),
  };
}

/** providerPath reads an optional path key, relative to the config file's directory. */
function providerPath(v: Record<string, unknown>, key: string, source: string, fail: (w: string) => never): Record<string, string> {
  const value = v[key];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'string' || value === '') return fail(`"${key}" must be a path`);
  return { [key]: path.resolve(path.dirname(path.resolve(source)), value) };
}

/** configSize reads `maxFileSize` (bytes as a number, or a string such as `32MiB`). */
function configSize(value: unknown, source: string): number {
  if (typeof value !== 'number' && typeof value !== 'string') throw new PinError('CONFIG_INVALID', `${source}: "maxFileSize" must be a size such as 16MiB`);
  return parseByteSize(value, `${source}: "maxFileSize"`, 'CONFIG_INVALID');
}

/** finderOptionsFor combines the config file with command-line finder and scan flags (`--max-file-size` wins over the config). */
export function finderOptionsFor(config: DigestpinConfig, flags: { dockerfileCopyFrom?: boolean; maxFileSize?: string }): FinderOptions {
  const maxFileSize = flags.maxFileSize === undefined ? config.maxFileSize : parseByteSize(flags.maxFileSize, '--max-file-size');
  return {
    customPaths: config.customImagePaths,
    dockerfileCopyFrom: flags.dockerfileCopyFrom || config.dockerfileCopyFrom,
    ...(maxFileSize === undefined ? {} : { maxFileSize }),
  };
}

function list(value: unknown, key: string, fail: (w: string) => never): unknown[] {
  return Array.isArray(value) ? value : fail(`"${key}" must be a list`);
}

function strings(value: unknown, key: string, fail: (w: string) => never): string[] {
  if (value === undefined) return [];
  const items = list(value, key, fail);
  if (!items.every((s) => typeof s === 'string')) fail(`"${key}" must be a list of strings`);
  return items as string[];
}

/** mirrors checks each `registryMirrors` entry with the --registry-mirror grammar (issue 11 item 12). */
function mirrors(specs: string[], fail: (w: string) => never): string[] {
  specs.forEach((spec, i) => {
    try {
      parseMirror(spec);
    } catch (error) {
      if (!isPinError(error)) throw error;
      fail(`registryMirrors[${i}]: ${error.message}`);
    }
  });
  return specs;
}

function customPath(p: unknown, i: number, fail: (w: string) => never): CustomImagePath {
  const at = `customImagePaths[${i}]`;
  if (typeof p !== 'object' || p === null) return fail(`${at} must be a mapping with kind and path`);
  const { kind, apiVersion, path: spec } = p as Record<string, unknown>;
  if (typeof kind !== 'string' || !kind) fail(`${at}.kind is required`);
  if (typeof spec !== 'string' || !/^[A-Za-z0-9_-]+(\[\])?(\.[A-Za-z0-9_-]+(\[\])?)*$/.test(spec)) {
    fail(`${at}.path must look like spec.containers[].image`);
  }
  if (apiVersion !== undefined && typeof apiVersion !== 'string') fail(`${at}.apiVersion must be a string`);
  return { kind: kind as string, path: spec as string, ...(apiVersion ? { apiVersion: apiVersion as string } : {}) };
}
