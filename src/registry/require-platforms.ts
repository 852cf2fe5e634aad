import { PinError } from '../errors.js';
import type { ImageReference } from '../reference/types.js';
import { findPlatform, parsePlatform } from './platform.js';
import type { PlatformDigest, ResolvedImage, Resolver } from './types.js';

/** isPlatform reports whether a string looks like `os/arch` or `os/arch/variant` (`linux/arm64/v8`), each part `[a-z0-9._-]`. */
export function isPlatform(value: string): boolean {
  return parsePlatform(value) !== undefined;
}

/** parsePlatformList parses `linux/amd64,linux/arm64` (validating each `os/arch[/variant]`). */
export function parsePlatformList(value: string): string[] {
  const platforms = value.split(',').map((p) => p.trim()).filter(Boolean);
  for (const p of platforms) {
    if (!isPlatform(p)) {
      throw new PinError('USAGE', `--require-platforms: "${p}" must look like os/arch or os/arch/variant`);
    }
  }
  if (platforms.length === 0) throw new PinError('USAGE', '--require-platforms needs at least one os/arch');
  return platforms;
}

/**
 * missingPlatforms says what a resolved image lacks, or undefined when every required platform
 * is there; platforms are compared after containerd's normalisation (`linux/arm64` = `linux/arm64/v8`).
 */
export function missingPlatforms(required: string[], mediaType: string | undefined, platforms: PlatformDigest[] | Record<string, string> | undefined): string | undefined {
  if (!platforms) return `is a single-platform manifest${mediaType ? ` (${mediaType})` : ''}, not an index with ${required.join(', ')}`;
  const have = Array.isArray(platforms) ? platforms.map((p) => p.platform) : Object.keys(platforms);
  const lacking = required.filter((r) => findPlatform(r, have) === undefined);
  return lacking.length ? `lacks ${lacking.join(', ')} (has ${have.join(', ') || 'none'})` : undefined;
}

/** RequirePlatformsResolver fails references whose image is not an index with every required platform. */
export class RequirePlatformsResolver implements Resolver {
  constructor(
    private readonly inner: Resolver,
    private readonly required: string[],
  ) {}

  /** resolve delegates, then checks the platforms (PLATFORM_MISSING names what is missing). */
  async resolve(ref: ImageReference): Promise<ResolvedImage> {
    const result = await this.inner.resolve(ref, { platforms: true });
    const problem = missingPlatforms(this.required, result.mediaType, result.platforms);
    if (problem) throw new PinError('PLATFORM_MISSING', `${ref.toString()} ${problem}`);
    return result;
  }
}
