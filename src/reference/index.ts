// Public API of the image reference parser: re-exports only.
export { parseReference } from './parse.js';
export type { ParseOptions } from './parse.js';
export { isTemplated } from './templated.js';
export type { TemplateReason } from './templated.js';
export { ReferenceError } from './errors.js';
export type { ReferencePart } from './errors.js';
export { withDigest, pinnedText, familiarString } from './format.js';
export type { PinnedTextOptions } from './format.js';
export { validateDigest, digestProblem } from './digest.js';
export { DEFAULT_DOMAIN } from './normalize.js';
export type { ImageReference } from './types.js';
