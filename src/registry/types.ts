// The resolver contract lives in ../resolver/types.ts (below registry/ and lock/); re-exported here.
export type { PlatformDigest, ResolvedImage, ResolveOptions, Resolver } from '../resolver/types.js';
