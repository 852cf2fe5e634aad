import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerCommands } from '../../src/cli/commands.js';
import { runCli, tempDir } from '../helpers/cli.js';

// `digestpin completion bash|zsh|fish` is generated from the commander definitions
// (issue 14 item 12): every subcommand and every long flag of each appears, and bash
// really completes with it.

function definitions(): Command {
  const program = new Command('digestpin');
  registerCommands(program, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: {}, cwd: '/' }, () => {});
  return program;
}

/** bashComplete sources the script and asks it to complete `words` (the last one being typed). */
function bashComplete(script: string, file: string, words: string[]): string[] {
  writeFileSync(file, script);
  const line = words.map((w) => `'${w}'`).join(' ');
  const run = spawnSync('bash', ['-c', `source '${file}'; COMP_WORDS=(${line}); COMP_CWORD=${words.length - 1}; _digestpin; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return run.stdout.split('\n').filter(Boolean);
}

describe('digestpin completion', () => {
  const program = definitions();

  it.each(['bash', 'zsh', 'fish'])('%s: names every subcommand and every long flag', async (shell) => {
    const result = await runCli(['completion', shell]);
    expect(result.code).toBe(0);
    for (const cmd of program.commands) {
      expect(result.stdout).toContain(cmd.name());
      for (const option of cmd.options) {
        expect(result.stdout, `${shell}: ${cmd.name()} ${option.long}`).toContain(shell === 'fish' ? `-l ${option.long!.slice(2)}` : option.long!);
      }
    }
  });

  it('bash: the script parses and completes subcommands, flags and flag choices', async () => {
    const script = (await runCli(['completion', 'bash'])).stdout;
    expect(spawnSync('bash', ['-n'], { input: script }).status).toBe(0);
    const file = path.join(await tempDir(), 'digestpin.bash');
    expect(bashComplete(script, file, ['digestpin', 'dr'])).toEqual(['drift']);
    expect(bashComplete(script, file, ['digestpin', 'pin', '--che'])).toEqual(['--check']);
    expect(bashComplete(script, file, ['digestpin', 'pin', '--set-pull-policy', ''])).toEqual(['IfNotPresent', 'Always', 'Never']);
  });

  it('rejects an unknown shell with a usage error', async () => {
    const result = await runCli(['completion', 'powershell']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^digestpin: .*powershell.* \[USAGE\]\n/);
  });
});
