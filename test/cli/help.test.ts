import { readFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerCommands } from '../../src/cli/commands.js';
import { USER_AGENT, VERSION } from '../../src/version.js';
import { runCli } from '../helpers/cli.js';

// Help and version output: every command's --help lists every option it declares (read
// from the commander program itself, so a new flag without help text cannot slip in),
// plus the flags the issues promise by name.

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** declaredCommands builds the real command tree without running anything. */
function declaredCommands(): readonly Command[] {
  const program = new Command('digestpin');
  const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from(['']), env: {}, cwd: '/' };
  registerCommands(program, io, () => undefined);
  return program.commands;
}

/** flat collapses commander's line wrapping so descriptions can be matched whole. */
function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}

const REGISTRY_FLAGS = ['--docker-config <dir>', '--authfile <file>', '--pull-secret <file>', '--ca-file <file>',
  '--insecure-registry <host[:port]>', '--registry-mirror <src=dst[/prefix]>', '--concurrency <n>', '--timeout <seconds>',
  '--retries <n>', '-v, --verbose', '--config <file>'];

/** PROMISED lists, per command, flags the issues and README name (a subset of what is declared). */
const PROMISED: Record<string, string[]> = {
  resolve: ['--json', '--platform <os/arch[/variant]>', ...REGISTRY_FLAGS],
  pin: ['--check', '--diff', '--frozen', '--json', '--lock <file>', '--no-lock', '--digest-only', '--keep-going',
    '--include <glob>', '--exclude <glob>', '--max-file-size <size>', ...REGISTRY_FLAGS],
  list: ['--json', '--include <glob>', '--exclude <glob>', '--config <file>', '--max-file-size <size>'],
  drift: ['--lock <file>', '--format <format>', '--fail-on <classes>', '--update-lock', '--no-explain', ...REGISTRY_FLAGS],
  update: ['--check', '--diff', '--json', '--lock <file>', '--no-lock', '--keep-going', '--pr', '--max-file-size <size>', ...REGISTRY_FLAGS],
};

describe('digestpin --help', () => {
  it('lists every command with its description', async () => {
    const result = await runCli(['--help']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Usage: digestpin \[options\] \[command\]\n/);
    const commands = declaredCommands();
    expect(commands.map((c) => c.name())).toEqual(expect.arrayContaining(Object.keys(PROMISED)));
    // Commander omits `[options]` for a command without options of its own (completion).
    for (const cmd of commands) expect(flat(result.stdout)).toContain(flat(`${cmd.name()} ${cmd.options.length ? cmd.usage() : cmd.usage().replace('[options] ', '')} ${cmd.description()}`));
  });

  it.each(declaredCommands().map((c) => [c.name(), c] as const))('%s --help lists every declared option with its description', async (name, cmd) => {
    const result = await runCli([name, '--help']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.startsWith(`Usage: digestpin ${name} `)).toBe(true);
    const help = flat(result.stdout);
    if (name !== 'completion') expect(cmd.options.length).toBeGreaterThan(0);
    for (const option of cmd.options) {
      expect(option.description, `${name} ${option.flags} has no help text`).not.toBe('');
      expect(help).toContain(flat(`${option.flags} ${option.description}`));
    }
    for (const flags of PROMISED[name] ?? []) expect(help).toContain(` ${flags} `);
    expect(help).toContain('-h, --help display help for command');
  });

  it('help <command> prints the same text as <command> --help', async () => {
    for (const name of Object.keys(PROMISED)) {
      expect((await runCli(['help', name])).stdout).toBe((await runCli([name, '--help'])).stdout);
    }
  });
});

describe('digestpin --version', () => {
  it.each([['--version'], ['-V']])('%s prints the package.json version and exits 0', async (flag) => {
    expect(await runCli([flag])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('VERSION and the User-Agent follow package.json', () => {
    expect(VERSION).toBe(pkg.version);
    expect(USER_AGENT).toBe(`digestpin/${pkg.version}`);
  });
});
