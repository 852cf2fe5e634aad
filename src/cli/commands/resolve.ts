import { loadConfig } from '../../config.js';
import { PinError, errorMessage, isPinError } from '../../errors.js';
import { parseReference } from '../../reference/index.js';
import type { ImageReference } from '../../reference/types.js';
import { findPlatform } from '../../registry/platform.js';
import { isPlatform } from '../../registry/require-platforms.js';
import { stripControl } from '../../sanitize.js';
import type { ResolvedImage, ResolveOptions } from '../../registry/types.js';
import { createRegistryContext } from '../context.js';
import { ExitCode, writeLine, type CliIO } from '../io.js';
import { reportFormat, TEXT_OR_JSON, type RegistryCliOptions } from '../options.js';

/** ResolveCliOptions are `digestpin resolve`'s flags. */
export interface ResolveCliOptions extends RegistryCliOptions {
  json?: boolean;
  format?: string;
  platform?: string;
}

interface Outcome {
  input: string;
  ref?: ImageReference;
  result?: ResolvedImage;
  error?: string;
}

/** runResolve implements `digestpin resolve`: all refs concurrently, failures per reference. */
export async function runResolve(inputs: string[], opts: ResolveCliOptions, io: CliIO): Promise<number> {
  if (opts.platform && !isPlatform(opts.platform)) {
    throw new PinError('USAGE', `--platform "${opts.platform}" must look like os/arch or os/arch/variant (e.g. linux/arm64/v8)`);
  }
  opts.json = reportFormat(opts, TEXT_OR_JSON) === 'json';
  const config = await loadConfig(io.cwd, opts.config);
  const context = await createRegistryContext(opts, config, io);
  let outcomes: Outcome[];
  try {
    // --platform needs the platform list, so it is read from the manifest body, not a HEAD's Content-Type.
    outcomes = await Promise.all(inputs.map((input) => resolveOne(input, context.client, { platforms: Boolean(opts.platform) })));
  } finally {
    await context.close();
  }
  for (const o of outcomes) if (o.error) writeLine(io.stderr, stripControl(`digestpin: ${o.input}: ${o.error}`));
  const ok = outcomes.filter((o) => o.result);
  const platformErrors = opts.platform ? ok.filter((o) => !platformDigest(o.result!, opts.platform!)) : [];
  for (const o of platformErrors) {
    writeLine(io.stderr, `digestpin: ${o.input}: no ${opts.platform} manifest (${o.result!.platforms ? `has ${o.result!.platforms.map((p) => p.platform).join(', ')}` : 'single-platform image'}) [PLATFORM_MISSING]`);
  }
  if (opts.json) writeLine(io.stdout, JSON.stringify(ok.map((o) => resolveJson(o, opts.platform)), null, 2));
  else for (const o of ok) printText(o, io, opts.platform);
  return outcomes.some((o) => o.error) || platformErrors.length > 0 ? ExitCode.error : ExitCode.ok;
}

async function resolveOne(input: string, resolver: { resolve(ref: ImageReference, options?: ResolveOptions): Promise<ResolvedImage> }, options: ResolveOptions): Promise<Outcome> {
  try {
    const ref = parseReference(input);
    return { input, ref, result: await resolver.resolve(ref, options) };
  } catch (error) {
    return { input, error: isPinError(error) ? `${error.message} [${error.code}]` : `unexpected error: ${errorMessage(error)} [UNKNOWN]` };
  }
}

/** platformDigest finds the wanted platform's manifest, matching as containerd does (`linux/arm64` = `linux/arm64/v8`). */
function platformDigest(result: ResolvedImage, platform: string): string | undefined {
  const match = findPlatform(platform, (result.platforms ?? []).map((p) => p.platform));
  return result.platforms?.find((p) => p.platform === match)?.digest;
}

function printText(o: Outcome, io: CliIO, platform?: string): void {
  writeLine(io.stdout, `${o.input} ${o.result!.digest}`);
  const child = platform ? platformDigest(o.result!, platform) : undefined;
  if (child) writeLine(io.stdout, `${o.input} ${platform} ${child}`);
}

function resolveJson(o: Outcome, platform?: string): Record<string, unknown> {
  const r = o.result!;
  return {
    reference: o.input,
    canonical: o.ref!.toString(),
    digest: r.digest,
    mediaType: r.mediaType,
    ...(r.platforms ? { platforms: r.platforms.map((p) => ({ platform: p.platform, digest: p.digest })) } : {}),
    ...(platform && platformDigest(r, platform) ? { platformDigest: platformDigest(r, platform) } : {}),
  };
}
