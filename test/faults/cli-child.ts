// Runs the digestpin CLI from source in a child process, so hostile-input tests can bound
// its heap and wall time and survive it crashing. With DIGESTPIN_CHILD_RUSAGE=1 it prints
// `rusage {"maxRSS":…}` (KiB) as the last line on stderr.
import { main } from '../../src/cli/main.js';

if (process.env.DIGESTPIN_CHILD_RUSAGE === '1') {
  process.on('exit', () => process.stderr.write(`rusage ${JSON.stringify({ maxRSS: process.resourceUsage().maxRSS })}\n`));
}

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: { PATH: process.env.PATH, HOME: process.env.HOME },
  cwd: process.cwd(),
});
