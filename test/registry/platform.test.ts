import { describe, expect, it } from 'vitest';
import { findPlatform, normalizePlatform, parsePlatform, platformKey } from '../../src/registry/platform.js';
import { isPlatform, missingPlatforms, parsePlatformList } from '../../src/registry/require-platforms.js';

// containerd's normalisation table (github.com/containerd/platforms database.go
// normalizeOS / normalizeArch), row by row: input os/arch/variant → normalised.
const CONTAINERD: Array<[string, string]> = [
  ['linux/amd64', 'linux/amd64'],
  ['linux/x86_64', 'linux/amd64'],
  ['linux/x86-64', 'linux/amd64'],
  ['linux/amd64/v1', 'linux/amd64'],
  ['linux/amd64/v2', 'linux/amd64/v2'],
  ['linux/amd64/v3', 'linux/amd64/v3'],
  ['linux/i386', 'linux/386'],
  ['linux/i386/v7', 'linux/386'],
  ['linux/386', 'linux/386'],
  ['linux/aarch64', 'linux/arm64'],
  ['linux/arm64', 'linux/arm64'],
  ['linux/arm64/8', 'linux/arm64'],
  ['linux/arm64/v8', 'linux/arm64'],
  ['linux/arm64/v8.0', 'linux/arm64'],
  ['linux/arm64/9', 'linux/arm64/v9'],
  ['linux/arm64/9.0', 'linux/arm64/v9'],
  ['linux/arm64/v9.0', 'linux/arm64/v9'],
  ['linux/arm64/v9', 'linux/arm64/v9'],
  ['linux/aarch64/v8', 'linux/arm64'],
  ['linux/armhf', 'linux/arm/v7'],
  ['linux/armel', 'linux/arm/v6'],
  ['linux/arm', 'linux/arm/v7'],
  ['linux/arm/7', 'linux/arm/v7'],
  ['linux/arm/v7', 'linux/arm/v7'],
  ['linux/arm/5', 'linux/arm/v5'],
  ['linux/arm/6', 'linux/arm/v6'],
  ['linux/arm/8', 'linux/arm/v8'],
  ['linux/arm/v6', 'linux/arm/v6'],
  ['macos/arm64', 'darwin/arm64'],
  ['Linux/AMD64', 'linux/amd64'],
  ['windows/amd64', 'windows/amd64'],
  ['linux/ppc64le', 'linux/ppc64le'],
  ['linux/s390x', 'linux/s390x'],
  ['linux/riscv64', 'linux/riscv64'],
];

describe('platform normalisation (containerd table)', () => {
  it.each(CONTAINERD)('%s → %s', (input, expected) => {
    expect(platformKey(input)).toBe(expected);
  });

  it('normalizePlatform works on parsed values', () => {
    expect(normalizePlatform({ os: 'linux', architecture: 'aarch64', variant: 'v8' })).toEqual({ os: 'linux', architecture: 'arm64' });
    expect(normalizePlatform({ os: 'linux', architecture: 'arm' })).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
  });

  it.each([
    ['linux', undefined], ['linux/', undefined], ['/amd64', undefined], ['linux/amd64/v8/x', undefined],
    ['linux/amd 64', undefined], ['linux/amd64\n', { os: 'linux', architecture: 'amd64' }], ['linux/amd64\u001b', undefined], ['linux/x86_64', { os: 'linux', architecture: 'x86_64' }],
    ['linux/arm64/v8.0', { os: 'linux', architecture: 'arm64', variant: 'v8.0' }],
  ])('parsePlatform(%j) = %j', (input, expected) => {
    expect(parsePlatform(input)).toEqual(expected);
  });
});

describe('matching as --platform and --require-platforms do', () => {
  const OFFICIAL = ['linux/amd64', 'linux/arm/v5', 'linux/arm/v7', 'linux/arm64/v8', 'linux/386', 'linux/ppc64le', 'linux/s390x'];

  it.each([
    ['linux/arm64', 'linux/arm64/v8'],
    ['linux/aarch64', 'linux/arm64/v8'],
    ['linux/arm64/v8', 'linux/arm64/v8'],
    ['linux/arm', 'linux/arm/v7'],
    ['linux/arm/v7', 'linux/arm/v7'],
    ['linux/armhf', 'linux/arm/v7'],
    ['linux/arm/v5', 'linux/arm/v5'],
    ['linux/x86_64', 'linux/amd64'],
    ['linux/i386', 'linux/386'],
    ['linux/arm/v6', undefined],
    ['linux/riscv64', undefined],
    ['windows/amd64', undefined],
  ])('%s in an official-image index → %s', (wanted, found) => {
    expect(findPlatform(wanted, OFFICIAL)).toBe(found);
  });

  it('an index listing linux/arm64 without a variant satisfies linux/arm64/v8', () => {
    expect(findPlatform('linux/arm64/v8', ['linux/arm64'])).toBe('linux/arm64');
    expect(findPlatform('linux/arm/v7', ['linux/arm'])).toBe('linux/arm');
  });

  it('missingPlatforms: the README example passes on an official image, and names what is missing otherwise', () => {
    const platforms = Object.fromEntries(OFFICIAL.map((p) => [p, 'sha256:x']));
    expect(missingPlatforms(['linux/amd64', 'linux/arm64'], undefined, platforms)).toBeUndefined();
    expect(missingPlatforms(['linux/amd64', 'linux/riscv64'], undefined, platforms)).toMatch(/^lacks linux\/riscv64 \(has linux\/amd64, /);
  });

  it('flags accept aliases and [a-z0-9._-] parts, and reject anything else', () => {
    expect(parsePlatformList('linux/x86_64, linux/arm64/v8.0')).toEqual(['linux/x86_64', 'linux/arm64/v8.0']);
    expect(isPlatform('linux/x86-64')).toBe(true);
    expect(isPlatform('linux/amd64;rm')).toBe(false);
    expect(() => parsePlatformList('linux')).toThrow(/must look like os\/arch/);
  });
});
