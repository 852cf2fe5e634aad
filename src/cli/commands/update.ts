import path from 'node:path';
import { finderOptionsFor, loadConfig, type DigestpinConfig } from '../../config.js';
import { PinError } from '../../errors.js';
import type { Occurrence } from '../../finders/types.js';
import { readLock, writeLock } from '../../lock/io.js';
import { emptyLock } from '../../lock/schema.js';
import { planPinRun, type PinRunOptions } from '../../pipeline/pin.js';
import { globFilter } from '../../pipeline/glob-filter.js';
import { lockKey } from '../../pipeline/resolve.js';
import { parsePlatformList, RequirePlatformsResolver } from '../../registry/require-platforms.js';
import { createForge, Git, openOrUpdatePullRequest, type GitAuthor } from '../../pr/index.js';
import { digestOnlyReferences, explainUpdates, imageUpdates } from '../../update/image-updates.js';
import { MapResolver, RecordingResolver } from '../../update/map-resolver.js';
import { createRegistryContext, type RegistryContext } from '../context.js';
import { ExitCode, writeLine, type CliIO } from '../io.js';
import { DEFAULT_STDIN_FILENAME, scanStdin, stdinMode } from '../stdin.js';
import { reportFormat, TEXT_OR_JSON, type RegistryCliOptions } from '../options.js';
import { location, printFailures, progressLine } from '../output.js';
import { finishRun, writeChanges } from './pin.js';

/** UpdateCliOptions are `digestpin update`'s flags. */
export interface UpdateCliOptions extends RegistryCliOptions {
  dockerfileCopyFrom?: boolean;
  check?: boolean;
  diff?: boolean;
  json?: boolean;
  format?: string;
  lock: string | false;
  keepGoing?: boolean;
  pullSecretsFromTree?: boolean;
  /** include and exclude are file globs, as for pin. */
  include: string[];
  exclude: string[];
  /** image and excludeImage are globs on image names (registry/repo:tag). */
  image: string[];
  excludeImage: string[];
  pr?: boolean;
  branch: string;
  base?: string;
  remote: string;
  forge?: 'github' | 'gitlab';
  apiUrl?: string;
  label: string[];
  reviewer: string[];
  author?: string;
  draft?: boolean;
  dryRun?: boolean;
  requirePlatforms?: string;
  /** stdinFilename is the name stdin ("-") is scanned under. */
  stdinFilename?: string;
}

/** DEFAULT_AUTHOR signs the bot's commits when --author is not given. */
export const DEFAULT_AUTHOR: GitAuthor = { name: 'digestpin[bot]', email: 'digestpin-bot@users.noreply.github.com' };

/** runUpdate implements `digestpin update`: re-resolve pinned tags and rewrite the ones that moved. */
export async function runUpdate(paths: string[], opts: UpdateCliOptions, io: CliIO): Promise<number> {
  if (opts.check && opts.diff) throw new PinError('USAGE', '--check and --diff cannot be combined');
  if (opts.pr && (opts.check || opts.diff)) throw new PinError('USAGE', '--pr cannot be combined with --check or --diff (use --dry-run)');
  if (!opts.pr && (opts.dryRun || opts.label.length || opts.reviewer.length || opts.draft)) {
    throw new PinError('USAGE', '--dry-run, --label, --reviewer and --draft only apply with --pr');
  }
  opts.json = reportFormat(opts, TEXT_OR_JSON) === 'json';
  const stdin = stdinMode(paths);
  if (stdin && opts.pr) throw new PinError('USAGE', '--pr cannot read stdin ("-"): it commits files in a git checkout');
  const config = await loadConfig(io.cwd, opts.config);
  const lockFile = opts.lock === false ? undefined : path.resolve(io.cwd, opts.lock);
  const context = await createRegistryContext(opts, config, io);
  try {
    const platforms = opts.requirePlatforms ? parsePlatformList(opts.requirePlatforms) : undefined;
    const recording = new RecordingResolver(platforms ? new RequirePlatformsResolver(context.client, platforms) : context.client);
    const base = await runOptions(paths, opts, { io, config, lockFile, resolver: recording, context });
    if (stdin) base.scanned = [await scanStdin(io, opts.stdinFilename ?? DEFAULT_STDIN_FILENAME, base.finderOptions ?? {})];
    const run = await planPinRun(base);
    for (const o of digestOnlyReferences(run)) writeLine(io.stderr, `left alone (digest only, no tag to follow): ${location(o)} ${o.span.raw}`);
    if (!opts.pr) {
      return await finishRun(run, { opts, io, stdinMode: stdin, lockFile, previous: base.lock, verb: 'updated', preview: 'would update' });
    }
    if (run.failures.length > 0 && !opts.keepGoing) {
      printFailures(io.stderr, run.failures, run.scanned);
      writeLine(io.stderr, `digestpin: ${run.failures.length} reference(s) failed to resolve; no pull request was made`);
      return ExitCode.error;
    }
    return await pullRequest(run, { paths, opts, io, lockFile, base, recording, context });
  } finally {
    await context.close();
  }
}

interface RunInputs {
  io: CliIO;
  config: DigestpinConfig;
  lockFile: string | undefined;
  resolver: RecordingResolver;
  context: RegistryContext;
}

async function runOptions(paths: string[], opts: UpdateCliOptions, { io, config, lockFile, resolver, context }: RunInputs): Promise<PinRunOptions> {
  const byName = globFilter(opts.image, opts.excludeImage);
  const select = (o: Occurrence): boolean => byName(lockKey(o.ref!));
  return {
    paths,
    cwd: io.cwd,
    include: [...config.include, ...opts.include],
    exclude: [...config.exclude, ...opts.exclude],
    finderOptions: finderOptionsFor(config, opts),
    resolver,
    concurrency: opts.concurrency,
    mode: 'update',
    select,
    lock: lockFile ? await readLock(lockFile) : emptyLock(),
    lockDir: lockFile ? path.dirname(lockFile) : io.cwd,
    now: (io.now?.() ?? new Date()).toISOString(),
    beforeResolve: opts.pullSecretsFromTree ? (scanned) => context.usePullSecretsFromTree(scanned) : undefined,
    onProgress: opts.json ? undefined : progressLine(io.stderr, 'checking'),
  };
}

interface PrContext {
  paths: string[];
  opts: UpdateCliOptions;
  io: CliIO;
  lockFile?: string;
  base: PinRunOptions;
  recording: RecordingResolver;
  context: RegistryContext;
}

async function pullRequest(run: Awaited<ReturnType<typeof planPinRun>>, ctx: PrContext): Promise<number> {
  const { opts, io } = ctx;
  const git = new Git({ cwd: io.cwd, env: io.env as NodeJS.ProcessEnv });
  // --show-cdup keeps the cwd's own spelling (--show-toplevel resolves symlinks, which would
  // make the scanned paths look like they sit outside the repository).
  const root = path.resolve(io.cwd, (await git.run(['rev-parse', '--show-cdup'])).trim() || '.');
  const updates = imageUpdates(run, root);
  await explainUpdates(updates, run, ctx.context.client);
  const remoteUrl = updates.length > 0 && !opts.dryRun ? await git.remoteUrl(opts.remote) : '';
  const result = await openOrUpdatePullRequest({
    updates,
    git,
    forge: () => createForge({ remoteUrl, env: io.env as NodeJS.ProcessEnv, forge: opts.forge, apiUrl: opts.apiUrl, dispatcher: io.dispatcher }),
    branch: opts.branch,
    base: opts.base,
    remote: opts.remote,
    author: opts.author ? parseAuthor(opts.author) : DEFAULT_AUTHOR,
    labels: opts.label,
    reviewers: opts.reviewer,
    draft: opts.draft,
    dryRun: opts.dryRun,
    reproduceCommand: `digestpin update --diff ${ctx.paths.join(' ')}`,
    commitFiles: () => rewriteOnBranch(ctx),
    log: (line) => writeLine(io.stderr, `digestpin: ${line}`),
  });
  if (result.action === 'dry-run') {
    writeLine(io.stdout, `branch: ${result.branch}${result.base ? ` (base ${result.base})` : ''}\ntitle: ${result.title}\n\ncommit message:\n${result.commitMessage}\n\nbody:\n${result.body}`);
  } else if (result.action === 'unchanged') {
    writeLine(io.stdout, updates.length === 0 ? 'no digest moved; nothing to do' : `pull request already up to date${result.url ? `: ${result.url}` : ''}`);
  } else {
    writeLine(io.stdout, `${result.action} pull request${result.number ? ` #${result.number}` : ''}${result.url ? `: ${result.url}` : ''} (${updates.length} image(s))`);
  }
  for (const w of result.warnings) writeLine(io.stderr, `warning: ${w}`);
  return ExitCode.ok;
}

/** rewriteOnBranch re-plans on the PR branch's files with the digests seen before, then writes files and lock. */
async function rewriteOnBranch(ctx: PrContext): Promise<void> {
  const lock = ctx.lockFile ? await readLock(ctx.lockFile) : emptyLock();
  const run = await planPinRun({ ...ctx.base, lock, resolver: new MapResolver(ctx.recording.seen), beforeResolve: undefined });
  await writeChanges(run.changes);
  if (ctx.lockFile) await writeLock(ctx.lockFile, run.lock);
}

/** parseAuthor parses `Name <email>`. */
export function parseAuthor(value: string): GitAuthor {
  const match = /^\s*(.+?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(value);
  if (!match) throw new PinError('USAGE', `--author "${value}" must look like "Name <email@example.com>"`);
  return { name: match[1]!, email: match[2]! };
}
