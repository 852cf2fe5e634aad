#!/usr/bin/env node
// Thin shim: the CLI lives in dist/cli/ (built by `npm run build`).
// This file is CommonJS (bin/package.json): `--version` then answers from package.json
// without starting the ES module loader, which was most of its cost over bare node (issue 13).
'use strict';

const argv = process.argv.slice(2);

if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  import('../dist/cli/process.js')
    .then(
      ({ runCliProcess }) => runCliProcess(argv),
      (error) => {
        process.stderr.write(`digestpin: cannot load the CLI from dist/ (run "npm run build"): ${error.message} [IO]\n`);
        return 2;
      },
    )
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error) => {
        process.stderr.write(`digestpin: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 2;
      },
    );
}
