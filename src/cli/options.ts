import { InvalidArgumentError, Option, type Command } from 'commander';
import { PinError } from '../errors.js';

/** RegistryCliOptions are the flags every registry-talking command shares. */
export interface RegistryCliOptions {
  dockerConfig?: string;
  authfile?: string;
  pullSecret: string[];
  imageCredentialProviderConfig?: string;
  imageCredentialProviderBinDir?: string;
  caFile?: string;
  insecureRegistry: string[];
  registryMirror: string[];
  concurrency: number;
  /** maxPerRegistry caps requests in flight to one registry (default: --concurrency). */
  maxPerRegistry?: number;
  timeout: number;
  retries: number;
  verbose: boolean;
  verifyDigests?: boolean;
  config?: string;
}

/** collect accumulates a repeatable option's values. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** positiveInt parses a flag value as an integer >= 1. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number >= 1');
  return n;
}

/** nonNegativeInt parses a flag value as an integer >= 0. */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number >= 0');
  return n;
}

/** addRegistryOptions declares credential, TLS, mirror, concurrency and timeout flags in one place. */
export function addRegistryOptions(cmd: Command): Command {
  return cmd
    .option('--docker-config <dir>', 'docker config directory (default: $DOCKER_CONFIG or ~/.docker)')
    .option('--authfile <file>', 'podman/containers auth.json (default: $REGISTRY_AUTH_FILE, then the XDG locations)')
    .option('--pull-secret <file>', 'Kubernetes Secret (dockerconfigjson/dockercfg) to use, YAML or JSON (repeatable)', collect, [])
    .option('--image-credential-provider-config <path>', "kubelet CredentialProviderConfig file or directory: run the node's credential provider plugins")
    .option('--image-credential-provider-bin-dir <dir>', 'directory holding the credential provider plugin executables (with --image-credential-provider-config)')
    .option('--ca-file <file>', 'extra PEM CA certificates to trust for registries')
    .option('--insecure-registry <host[:port]>', 'allow plain HTTP and unverified TLS for this registry only (repeatable)', collect, [])
    .option('--registry-mirror <src=dst[/prefix]>', 'resolve references of registry SRC against DST (repeatable)', collect, [])
    .option('--concurrency <n>', 'registry requests in flight at once', positiveInt, 16)
    .option('--max-per-registry <n>', 'registry requests in flight to any one registry (default: --concurrency)', positiveInt)
    .addOption(new Option('--timeout <seconds>', 'deadline for each registry request: connect, headers and whole body (token and ping requests too)').argParser(positiveInt).default(30))
    .option('--retries <n>', 'retries on 429/5xx/network errors', nonNegativeInt, 3)
    .option('--verify-digests', "GET each manifest and hash its bytes instead of trusting HEAD's Docker-Content-Digest (same request count; GETs count against Docker Hub pull limits)")
    .option('-v, --verbose', 'log registry requests and the credential source used per registry (never secrets)', false)
    .option('--config <file>', 'digestpin config file (default: .digestpin.yaml in the current directory, if present)');
}

/** TEXT_OR_JSON are the --format values of commands whose report is text or JSON. */
export const TEXT_OR_JSON = ['text', 'json'] as const;

/**
 * reportFormat picks a command's report format from --format and --json (`--json` is
 * `--format json`); a --format outside `formats`, or --json with another non-text format,
 * is a usage error.
 */
export function reportFormat(opts: { json?: boolean; format?: string }, formats: readonly string[]): string {
  const format = opts.format ?? 'text';
  if (!formats.includes(format)) throw new PinError('USAGE', `--format "${format}" is not one of ${formats.join(', ')}`);
  if (opts.json && format !== 'json' && format !== 'text') throw new PinError('USAGE', `--json cannot be combined with --format ${format}`);
  return opts.json ? 'json' : format;
}
