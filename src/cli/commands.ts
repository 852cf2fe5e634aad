import { Argument, Option, type Command } from 'commander';
import { completionScript, SHELLS, type Shell } from './completion.js';
import type { CliIO } from './io.js';
import { addRegistryOptions, collect } from './options.js';

type SetExit = (code: number) => void;

/** registerCommands declares every subcommand; each action lazy-loads its module. */
export function registerCommands(program: Command, io: CliIO, setExit: SetExit): void {
  registerResolve(program, io, setExit);
  registerPin(program, io, setExit);
  registerList(program, io, setExit);
  registerDrift(program, io, setExit);
  registerUpdate(program, io, setExit);
  registerLint(program, io, setExit);
  registerCompletion(program, io);
}

function registerCompletion(program: Command, io: CliIO): void {
  program
    .command('completion')
    .description('print a shell completion script, generated from these command definitions')
    .addArgument(new Argument('<shell>', 'bash | zsh | fish').choices(SHELLS))
    .action((shell: Shell) => {
      io.stdout.write(completionScript(program, shell));
    });
}

function registerResolve(program: Command, io: CliIO, setExit: SetExit): void {
  const cmd = program
    .command('resolve')
    .description('print the digest each image reference points to now')
    .argument('<ref...>', 'image references, e.g. nginx:1.25 ghcr.io/org/app:v2')
    .option('--json', 'print a JSON array of {reference, canonical, digest, mediaType, platforms?}')
    .option('--format <format>', 'text | json (--json is --format json)', 'text')
    .option('--platform <os/arch[/variant]>', "also print that platform's manifest digest (multi-arch images)");
  addRegistryOptions(cmd).action(async (refs: string[], opts) => {
    const { runResolve } = await import('./commands/resolve.js');
    setExit(await runResolve(refs, opts, io));
  });
}

/** STDIN_FILENAME_HELP documents --stdin-filename for every command that reads "-". */
const STDIN_FILENAME_HELP = 'with "-": the file name stdin is treated as (picks the finder: Dockerfile, values.yaml, …)';

function addScanOptions(cmd: Command): Command {
  return cmd
    .option('--include <glob>', 'only files matching this glob, relative to the current directory (repeatable)', collect, [])
    .option('--exclude <glob>', 'skip files matching this glob (repeatable)', collect, [])
    .option('--dockerfile-copy-from', 'also treat COPY --from=<image> in Dockerfiles as image references')
    .option(MAX_FILE_SIZE[0], MAX_FILE_SIZE[1]);
}

const MAX_FILE_SIZE = ['--max-file-size <size>', 'ignore (and report) files larger than this, e.g. 32MiB (default: 16MiB)'] as const;

function registerPin(program: Command, io: CliIO, setExit: SetExit): void {
  const cmd = program
    .command('pin')
    .description('rewrite image tags to tag@sha256 digests in place and write the lock file')
    .argument('[paths...]', 'files or directories ("-" reads stdin and writes stdout)', ['.'])
    .option('--check', 'write nothing; exit 1 if anything would change')
    .option('--diff', 'print a unified diff to stdout; write nothing')
    .option('--frozen', 'resolve only from the lock file, with no network requests')
    .option('--json', 'print a machine-readable report')
    .option('--format <format>', 'text | json (--json is --format json)', 'text')
    .option('--lock <file>', 'lock file', 'digestpin.lock.json')
    .option('--no-lock', 'do not read or write a lock file')
    .option('--digest-only', 'write name@sha256:… (drop the tag) instead of name:tag@sha256:…')
    .option('--keep-going', 'write the files whose references all resolved, report the rest, exit 2')
    .option('--pull-secrets-from-tree', 'use Secrets found in the scanned files for the workloads that reference them')
    .addOption(new Option('--set-pull-policy <policy>', 'make imagePullPolicy explicit on digest-pinned pod containers').choices(['IfNotPresent', 'Always', 'Never']))
    .option('--require-platforms <list>', 'fail references whose image is not an index with all of these, e.g. linux/amd64,linux/arm64')
    .option('--stdin-filename <name>', STDIN_FILENAME_HELP, 'stdin.yaml');
  addRegistryOptions(addScanOptions(cmd)).action(async (paths: string[], opts) => {
    const { runPin } = await import('./commands/pin.js');
    setExit(await runPin(paths, opts, io));
  });
}

function registerList(program: Command, io: CliIO, setExit: SetExit): void {
  const cmd = program
    .command('list')
    .description('list every image reference found, with its status (no network)')
    .argument('[paths...]', 'files or directories ("-" reads stdin)', ['.'])
    .addOption(new Option('--json', 'print a JSON array of occurrences'))
    .option('--format <format>', 'text | json (--json is --format json)', 'text')
    .option('--stdin-filename <name>', STDIN_FILENAME_HELP, 'stdin.yaml')
    .option('--config <file>', 'digestpin config file (default: .digestpin.yaml if present)');
  addScanOptions(cmd).action(async (paths: string[], opts) => {
    const { runList } = await import('./commands/list.js');
    setExit(await runList(paths, opts, io));
  });
}

function registerDrift(program: Command, io: CliIO, setExit: SetExit): void {
  const cmd = program
    .command('drift')
    .description('re-resolve every tag in the lock (HEAD requests) and report tags whose digest moved')
    .option('--lock <file>', 'lock file', 'digestpin.lock.json')
    .option('--format <format>', 'text | json | markdown | sarif | github', 'text')
    .option('--json', 'same as --format json')
    .option('--fail-on <classes>', 'exit 1 when any of these occur: moved,vanished,error (or "none"); checks that could not be made always exit 2', 'moved,vanished')
    .option('--allow-errors', 'do not exit 2 when some tags could not be checked (they are still reported)')
    .option('--allow-empty', 'exit 0 instead of 2 when the lock has nothing to check')
    .option('--update-lock', 'record the new digests of moved tags in the lock (old digests kept in history)')
    .option('--no-explain', 'do not fetch manifests/configs to explain why a tag moved')
    .option('--include <glob>', "only check lock entries used in files matching this glob (the lock's files[], relative to its directory; repeatable)", collect, [])
    .option('--exclude <glob>', 'skip lock entries whose files all match this glob (repeatable)', collect, [])
    .option('--image <glob>', 'only check images whose registry/repo:tag matches, e.g. "ghcr.io/org/**" (repeatable)', collect, [])
    .option('--exclude-image <glob>', 'skip images whose registry/repo:tag matches (repeatable)', collect, [])
    .option('--require-platforms <list>', 'report tags whose image is not an index with all of these platforms as errors');
  addRegistryOptions(cmd).action(async (opts) => {
    const { runDrift } = await import('./commands/drift.js');
    setExit(await runDrift(opts, io));
  });
}

function registerUpdate(program: Command, io: CliIO, setExit: SetExit): void {
  const cmd = program
    .command('update')
    .description('re-resolve the tags of pinned references (name:tag@sha256) and rewrite those whose digest moved; with --versions, move version tags too')
    .argument('[paths...]', 'files or directories ("-" reads stdin and writes stdout)', ['.'])
    .option('--check', 'write nothing; exit 1 if a digest moved')
    .option('--stdin-filename <name>', STDIN_FILENAME_HELP, 'stdin.yaml')
    .option('--diff', 'print a unified diff to stdout; write nothing')
    .option('--json', 'print a machine-readable report')
    .option('--format <format>', 'text | json (--json is --format json)', 'text')
    .option('--lock <file>', 'lock file', 'digestpin.lock.json')
    .option('--no-lock', 'do not read or write a lock file')
    .option('--keep-going', 'write the files whose references all resolved, report the rest, exit 2')
    .option('--pull-secrets-from-tree', 'use Secrets found in the scanned files for the workloads that reference them')
    .option('--dockerfile-copy-from', 'also treat COPY --from=<image> in Dockerfiles as image references')
    .option(MAX_FILE_SIZE[0], MAX_FILE_SIZE[1])
    .option('--include <glob>', 'only files matching this glob, relative to the current directory (repeatable)', collect, [])
    .option('--exclude <glob>', 'skip files matching this glob (repeatable)', collect, [])
    .option('--image <glob>', 'only images whose registry/repo:tag matches, e.g. "ghcr.io/org/**" (repeatable)', collect, [])
    .option('--exclude-image <glob>', 'skip images whose registry/repo:tag matches (repeatable)', collect, [])
    .option('--pr', 'commit to a branch, push it and open or update one pull/merge request')
    .option('--branch <name>', 'bot branch (with --pr)', 'digestpin/update-digests')
    .option('--base <branch>', "target branch (with --pr; default: the remote's default branch)")
    .option('--remote <name>', 'git remote to push to (with --pr)', 'origin')
    .addOption(new Option('--forge <forge>', 'github, gitlab or gitea (Gitea/Forgejo; default: detected from the remote URL)').choices(['github', 'gitlab', 'gitea']))
    .option('--api-url <url>', 'forge API base URL (GitHub Enterprise, self-hosted GitLab, Gitea/Forgejo .../api/v1)')
    .option('--label <name>', 'label to set on the pull request (repeatable)', collect, [])
    .option('--reviewer <user>', 'reviewer to request on a new pull request (repeatable)', collect, [])
    .option('--author <"Name <email>">', 'commit author (default: "digestpin[bot] <digestpin-bot@users.noreply.github.com>")')
    .option('--draft', 'open the pull request as a draft')
    .option('--dry-run', 'print branch, commit message and body; no git changes, no API calls')
    .option('--require-platforms <list>', 'fail references whose new image is not an index with all of these platforms')
    .addOption(new Option('--versions <level>', 'also move version tags to the newest of the same family up to this level (default from .digestpin.yaml updates.versions)').choices(['digest', 'patch', 'minor', 'major']));
  addRegistryOptions(cmd).action(async (paths: string[], opts) => {
    const { runUpdate } = await import('./commands/update.js');
    setExit(await runUpdate(paths, opts, io));
  });
}

function registerLint(program: Command, io: CliIO, setExit: SetExit): void {
  const cmd = program
    .command('lint')
    .description('check image references against pull-policy and mutable-tag rules (no network); exit 1 on errors')
    .argument('[paths...]', 'files or directories ("-" reads stdin)', ['.'])
    .option('--format <format>', 'text | json | sarif | github', 'text')
    .option('--json', 'same as --format json')
    .option('--stdin-filename <name>', STDIN_FILENAME_HELP, 'stdin.yaml')
    .option('--mutable-tags <regex>', 'also treat tags matching this pattern as mutable, e.g. "^v?\\d+$" (repeatable)', collect, [])
    .option('--config <file>', 'digestpin config file (default: .digestpin.yaml if present)');
  addScanOptions(cmd).action(async (paths: string[], opts) => {
    const { runLint } = await import('./commands/lint.js');
    setExit(await runLint(paths, opts, io));
  });
}
