import picomatch from 'picomatch';

/**
 * globFilter returns a predicate that keeps names matching any `include` glob
 * (all names when there is none) and no `exclude` glob. Used for file paths
 * (with `dot`) and for image names (`registry/repo:tag`).
 */
export function globFilter(include: readonly string[] = [], exclude: readonly string[] = [], options: { dot?: boolean } = {}): (name: string) => boolean {
  const inc = include.length ? picomatch([...include], options) : undefined;
  const exc = exclude.length ? picomatch([...exclude], options) : undefined;
  return (name) => (!inc || inc(name)) && !(exc && exc(name));
}
