import { Command, CommanderError } from 'commander';
import { errorMessage, isPinError } from '../errors.js';
import { VERSION } from '../version.js';
import { registerCommands } from './commands.js';
import { stripControl } from '../sanitize.js';
import { ExitCode, writeLine, type CliIO } from './io.js';

/**
 * main runs the digestpin CLI with `argv` (without node and script) and
 * returns the exit code. It is the only place errors become exit codes.
 */
export async function main(argv: string[], io: CliIO): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = new Command('digestpin')
    .description('Pin container images to immutable registry digests.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok; 1 changes needed / drift or lint errors found (check modes); 2 usage or runtime error.\nDocs: README.md, docs/drift.md, docs/lint-rules.md, docs/reliability.md, docs/benchmarks.md',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      // Commander's own parse errors get the same `digestpin: message [CODE]` shape as ours.
      outputError: (s, write) => write(`digestpin: ${s.replace(/^error: /, '').trimEnd()} [USAGE]\n`),
    });
  registerCommands(program, io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIO): number {
  if (error instanceof CommanderError) {
    const helpOrVersion = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
    return helpOrVersion ? ExitCode.ok : ExitCode.error;
  }
  if (isPinError(error)) {
    writeLine(io.stderr, stripControl(`digestpin: ${error.message} [${error.code}]`));
    return ExitCode.error;
  }
  writeLine(io.stderr, stripControl(`digestpin: unexpected error: ${errorMessage(error)}`));
  if (io.env.DIGESTPIN_DEBUG && error instanceof Error && error.stack) writeLine(io.stderr, error.stack);
  return ExitCode.error;
}
