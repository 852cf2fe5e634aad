import { main } from './main.js';
import { applyCliV8Flags } from './process-flags.js';

/**
 * runCliProcess is what `bin/digestpin.js` runs for every command but `--version`: it sets
 * the process's V8 flags, then runs the CLI on the real process streams and returns the
 * exit code.
 */
export async function runCliProcess(argv: string[]): Promise<number> {
  applyCliV8Flags();
  return main(argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() });
}
