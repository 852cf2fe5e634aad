// The resolver contract lives in ../resolver/types.ts (below registry/ and lock/); re-exported here.
export type { PlatformDigest, ResolvedImage, Resolver } from '../resolver/types.js';
