// Platform strings `os/arch[/variant]`, normalised the way containerd does
// (github.com/containerd/platforms database.go normalizeOS / normalizeArch), so that
// `linux/arm64` matches an index entry `linux/arm64/v8` and `linux/arm` matches `linux/arm/v7`.

/** PLATFORM_COMPONENT is what one os, architecture or variant may contain (index entries and flags alike). */
export const PLATFORM_COMPONENT = /^[a-z0-9._-]+$/;

/** Platform is a parsed `os/arch[/variant]`. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** isPlatformComponent reports whether text is a valid os, architecture or variant. */
export function isPlatformComponent(text: unknown): text is string {
  return typeof text === 'string' && text.length <= 64 && PLATFORM_COMPONENT.test(text);
}

/** parsePlatform splits `os/arch[/variant]` (case-insensitive); undefined when it has another shape. */
export function parsePlatform(text: string): Platform | undefined {
  const parts = text.trim().toLowerCase().split('/');
  if (parts.length < 2 || parts.length > 3 || !parts.every(isPlatformComponent)) return undefined;
  const [os, architecture, variant] = parts as [string, string, string?];
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/** normalizePlatform maps aliases to containerd's canonical form (x86_64 → amd64, aarch64 → arm64, arm64/v8 → arm64, arm → arm/v7, …). */
export function normalizePlatform(platform: Platform): Platform {
  const os = platform.os.toLowerCase() === 'macos' ? 'darwin' : platform.os.toLowerCase();
  let architecture = platform.architecture.toLowerCase();
  let variant = (platform.variant ?? '').toLowerCase();
  switch (architecture) {
    case 'i386':
      architecture = '386';
      variant = '';
      break;
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      architecture = 'amd64';
      if (variant === 'v1') variant = '';
      break;
    case 'aarch64':
    case 'arm64':
      architecture = 'arm64';
      if (variant === '8' || variant === 'v8' || variant === 'v8.0') variant = '';
      else if (variant === '9' || variant === '9.0' || variant === 'v9.0') variant = 'v9';
      break;
    case 'armhf':
      architecture = 'arm';
      variant = 'v7';
      break;
    case 'armel':
      architecture = 'arm';
      variant = 'v6';
      break;
    case 'arm':
      if (variant === '' || variant === '7') variant = 'v7';
      else if (variant === '5' || variant === '6' || variant === '8') variant = `v${variant}`;
      break;
  }
  return { os, architecture, ...(variant ? { variant } : {}) };
}

/** platformKey is the normalised `os/arch[/variant]` text two platforms must share to match. */
export function platformKey(text: string): string | undefined {
  const parsed = parsePlatform(text);
  if (!parsed) return undefined;
  const p = normalizePlatform(parsed);
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

/** findPlatform returns the first of `available` that is the same platform as `wanted` after normalisation. */
export function findPlatform<T extends string>(wanted: string, available: readonly T[]): T | undefined {
  const key = platformKey(wanted);
  return key === undefined ? undefined : available.find((p) => platformKey(p) === key);
}
