// The yaml package decides whether to print debug output by reading `process.env.LOG_TOKENS`
// once per token its parser sees (and `LOG_STREAM` once per document). In Node every
// process.env read is a call into C++ getenv (~160 ns here): on Kubernetes manifests that was
// a fifth of the whole parse (W2 of `npm run bench`: 2.5 s -> 2.0 s of parsing without it).

/** YAML_DEBUG_VARIABLES are the only variables the yaml package reads while it parses. */
export const YAML_DEBUG_VARIABLES = ['LOG_TOKENS', 'LOG_STREAM'] as const;

/**
 * withYamlDebugEnv runs a synchronous parse with `process.env` swapped for a plain object that
 * holds just the yaml package's debug variables (so setting them still works), and puts the
 * real environment back before it returns or throws. Nothing else can run meanwhile: `parse`
 * must finish synchronously (consume a generator inside it, never return a promise).
 */
export function withYamlDebugEnv<T>(parse: () => T): T {
  const real = process.env;
  const view: NodeJS.ProcessEnv = {};
  for (const name of YAML_DEBUG_VARIABLES) {
    const value = real[name];
    if (value !== undefined) view[name] = value;
  }
  process.env = view;
  try {
    return parse();
  } finally {
    process.env = real;
  }
}
