import { afterEach, describe, expect, it, vi } from 'vitest';
import { isPinError } from '../../src/errors.js';
import { withYamlDebugEnv, YAML_DEBUG_VARIABLES } from '../../src/yaml/debug-env.js';
import { parseYaml } from '../../src/yaml/source.js';

// Issue 13 cause 3: the yaml package read process.env.LOG_TOKENS once per token, and each
// process.env read is a getenv call (~160 ns): a fifth of the parse on manifests.

const real = process.env;

afterEach(() => {
  process.env = real;
  vi.restoreAllMocks();
});

/** countingEnv replaces process.env with a copy that counts reads of each variable. */
function countingEnv(values: Record<string, string> = {}): Map<string, number> {
  const reads = new Map<string, number>();
  process.env = new Proxy({ ...real, ...values }, {
    get(target, name, receiver) {
      if (typeof name === 'string') reads.set(name, (reads.get(name) ?? 0) + 1);
      return Reflect.get(target, name, receiver);
    },
  });
  return reads;
}

const manifest = Array.from({ length: 50 }, (_, i) => [
  'apiVersion: apps/v1', 'kind: Deployment', `metadata: {name: app-${i}}`, 'spec:', '  template:', '    spec:',
  '      containers:', `        - name: app`, `          image: "registry.example/app:1.${i}"`, '---',
].join('\n')).join('\n');

describe('parsing reads the environment once per parse, not once per token', () => {
  it('parseYaml reads each yaml debug variable at most once however long the text', () => {
    const reads = countingEnv();
    const source = parseYaml('deploy.yaml', manifest);
    expect(source.documents).toHaveLength(51);
    for (const name of YAML_DEBUG_VARIABLES) expect(reads.get(name) ?? 0).toBeLessThanOrEqual(1);
  });

  it('the lenient re-read of go-yaml style files does not read it per token either', () => {
    const reads = countingEnv();
    // A badly indented continuation line in a flow sequence: re-read through the lenient shadow.
    const text = `${manifest}\nargs: ['\n  echo hello;\n    ']\n`;
    parseYaml('deploy.yaml', text);
    for (const name of YAML_DEBUG_VARIABLES) expect(reads.get(name) ?? 0).toBeLessThanOrEqual(10);
  });

  it('puts the real environment back after a parse, and after a parse that fails', () => {
    const env = process.env;
    parseYaml('ok.yaml', manifest);
    expect(process.env).toBe(env);
    let caught: unknown;
    try {
      parseYaml('bad.yaml', 'a: [1, 2\nb: }\n');
    } catch (error) {
      caught = error;
    }
    expect(isPinError(caught) && caught.code).toBe('YAML_SYNTAX');
    expect(process.env).toBe(env);
  });

  it('still honours LOG_TOKENS: the yaml package prints its tokens when it is set', () => {
    countingEnv({ LOG_TOKENS: '1' });
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    parseYaml('one.yaml', 'image: nginx:1.27\n');
    expect(log).toHaveBeenCalled();
    expect(log.mock.calls.some((call) => call.join(' ').includes('nginx:1.27'))).toBe(true);
  });
});

describe('withYamlDebugEnv', () => {
  it('shows the callback only the debug variables, and restores process.env when it throws', () => {
    const env = process.env;
    process.env = { ...real, LOG_STREAM: 'yes', SECRET_TOKEN: 'x' };
    const swapped = process.env;
    expect(withYamlDebugEnv(() => ({ ...process.env }))).toEqual({ LOG_STREAM: 'yes' });
    expect(() => withYamlDebugEnv(() => { throw new Error('boom'); })).toThrow('boom');
    expect(process.env).toBe(swapped);
    process.env = env;
  });
});
