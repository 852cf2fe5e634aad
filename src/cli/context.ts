import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultKeychain, nodeReadFile, type DefaultKeychain } from '../auth/index.js';
import { selectPodPullSecrets, type PullSecret } from '../auth/index.js';
import type { AuthTarget, Credential, Keychain } from '../auth/types.js';
import type { DigestpinConfig } from '../config.js';
import { PinError } from '../errors.js';
import type { ScannedFile } from '../pipeline/scan.js';
import { parseMirror, RegistryClient } from '../registry/index.js';
import { USER_AGENT } from '../version.js';
import { writeLine, type CliIO } from './io.js';
import { scrubbingStream } from './scrub-stream.js';
import type { RegistryCliOptions } from './options.js';

/** RegistryContext is a configured registry client plus its credential chain. */
export interface RegistryContext {
  client: RegistryClient;
  keychain: DefaultKeychain;
  /** usePullSecretsFromTree puts the tree's Secrets in front for the workloads that reference them. */
  usePullSecretsFromTree(scanned: ScannedFile[]): void;
  close(): Promise<void>;
}

/** createRegistryContext builds the client from the shared registry flags and the config file. */
export async function createRegistryContext(opts: RegistryCliOptions, config: DigestpinConfig, io: CliIO): Promise<RegistryContext> {
  const log = opts.verbose ? (line: string) => writeLine(io.stderr, `digestpin: ${line}`) : undefined;
  const keychain = defaultKeychain({
    pullSecretFiles: opts.pullSecret.map((f) => path.resolve(io.cwd, f)),
    dockerConfigDir: opts.dockerConfig && path.resolve(io.cwd, opts.dockerConfig),
    authFile: opts.authfile && path.resolve(io.cwd, opts.authfile),
    credentialProviders: credentialProviderPaths(opts, config, io.cwd),
    env: io.env,
    homedir: io.homedir ?? os.homedir(),
    readFile: nodeReadFile,
    uid: io.uid ?? process.getuid?.(),
    log,
  });
  const routing = new WorkloadKeychain(keychain);
  const timeoutMs = opts.timeout * 1000;
  const client = new RegistryClient({
    keychain: routing,
    dispatcher: io.dispatcher,
    ca: opts.caFile ? await readCa(path.resolve(io.cwd, opts.caFile)) : undefined,
    insecureRegistries: [...config.insecureRegistries, ...opts.insecureRegistry],
    mirrors: [...config.registryMirrors, ...opts.registryMirror].map(parseMirror),
    concurrency: opts.concurrency,
    perRegistryConcurrency: opts.maxPerRegistry,
    timeouts: { connectMs: Math.min(timeoutMs, 10_000), headersMs: timeoutMs, bodyMs: timeoutMs, totalMs: timeoutMs },
    retry: { attempts: opts.retries + 1 },
    env: io.env,
    userAgent: USER_AGENT,
    verifyDigests: opts.verifyDigests,
    log,
    warn: (line) => writeLine(io.stderr, `digestpin: ${line}`),
  });
  // Issue 11 item 9: whatever is printed from now on (reports, --json, -v, errors) may quote
  // server text; it passes through the client's scrubber, which knows every secret it handled.
  io.stdout = scrubbingStream(io.stdout, (text) => client.scrub(text));
  io.stderr = scrubbingStream(io.stderr, (text) => client.scrub(text));
  return {
    client,
    keychain,
    usePullSecretsFromTree: (scanned) => routing.route(scanned),
    close: () => client.close(),
  };
}

/**
 * credentialProviderPaths combines the `--image-credential-provider-*` flags
 * with the config file's keys (flags win); as on the kubelet, the config and
 * the bin dir only make sense together.
 */
function credentialProviderPaths(opts: RegistryCliOptions, config: DigestpinConfig, cwd: string): { configPath: string; binDir: string } | undefined {
  const configPath = opts.imageCredentialProviderConfig ? path.resolve(cwd, opts.imageCredentialProviderConfig) : config.imageCredentialProviderConfig;
  const binDir = opts.imageCredentialProviderBinDir ? path.resolve(cwd, opts.imageCredentialProviderBinDir) : config.imageCredentialProviderBinDir;
  if (!configPath && !binDir) return undefined;
  if (!configPath || !binDir) {
    throw new PinError('USAGE', '--image-credential-provider-config and --image-credential-provider-bin-dir must be given together (flags or .digestpin.yaml)');
  }
  return { configPath, binDir };
}

async function readCa(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new PinError('USAGE', `--ca-file ${file}: ${(error as Error).message}`);
  }
}

/**
 * WorkloadKeychain answers a lookup for `registry/repository` with the pull
 * secrets of the workloads in the tree that use that repository (as kubelet
 * would hand them to the pod) ahead of the rest of the chain.
 */
class WorkloadKeychain implements Keychain {
  private readonly byRepository = new Map<string, PullSecret[]>();

  constructor(private readonly base: DefaultKeychain) {}

  /** route records, per repository, the Secrets kubelet would use for the pods referencing it. */
  route(scanned: ScannedFile[]): void {
    const secrets = scanned.flatMap((f) => f.secrets.map((s) => secretOf(s.document, s.file)));
    const accounts = scanned.flatMap((f) => f.serviceAccounts.map((sa) => ({ ...sa, source: sa.file })));
    for (const o of scanned.flatMap((f) => f.occurrences)) {
      if (!o.ref || !o.pod) continue;
      const picked = selectPodPullSecrets(o.pod, { secrets, serviceAccounts: accounts }).secrets;
      const key = `${o.ref.domain}/${o.ref.path}`;
      const list = this.byRepository.get(key) ?? [];
      for (const s of picked) if (!list.includes(s)) list.push(s);
      this.byRepository.set(key, list);
    }
  }

  /** lookup puts the routed workload secrets first. */
  lookup(target: AuthTarget): Promise<Credential[]> {
    const secrets = this.byRepository.get(`${target.registry}/${target.repository}`);
    return secrets?.length ? this.base.forWorkload(secrets).lookup(target) : this.base.lookup(target);
  }

  /** describe names the underlying chain. */
  describe(): string {
    return this.base.describe();
  }
}

function secretOf(document: Record<string, unknown>, file: string): PullSecret {
  const metadata = (document.metadata ?? {}) as { name?: string; namespace?: string };
  return { name: metadata.name ?? '', ...(metadata.namespace ? { namespace: metadata.namespace } : {}), source: file, document };
}
