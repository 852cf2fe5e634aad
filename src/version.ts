/** VERSION is digestpin's version (kept in sync with package.json by a test). */
export const VERSION = '0.1.0';

/** USER_AGENT is sent to registries and forges. */
export const USER_AGENT = `digestpin/${VERSION}`;
