import path from 'node:path';
import { finderOptionsFor, loadConfig, type DigestpinConfig } from '../../config.js';
import { PinError } from '../../errors.js';
import type { Occurrence } from '../../finders/types.js';
import { readLock } from '../../lock/io.js';
import { emptyLock } from '../../lock/schema.js';
import type { PinRun } from '../../pipeline/pin.js';
import { pinTree, type PinTreeOptions, type PinTreeReport } from '../../pipeline/pin-tree.js';
import { globFilter } from '../../pipeline/glob-filter.js';
import { lockKey } from '../../pipeline/resolve.js';
import { parsePlatformList, RequirePlatformsResolver } from '../../registry/require-platforms.js';
import { createForge, Git, openOrUpdatePullRequest, type GitAuthor } from '../../pr/index.js';
import { digestOnlyReferences, explainUpdates, imageUpdates } from '../../update/image-updates.js';
import { MapResolver, RecordingResolver } from '../../update/map-resolver.js';
import { policyResolver, type ImagePolicy } from '../../update/rules.js';
import { versionPlanner } from '../../update/version-plan.js';
import { openGroupPullRequests } from '../../update/group-prs.js';
import type { VersionLevel } from '../../versioning/select.js';
import type { ImageReference } from '../../reference/types.js';
import { createRegistryContext, type RegistryContext } from '../context.js';
import { ExitCode, writeLine, type CliIO } from '../io.js';
import { DEFAULT_STDIN_FILENAME, scanStdin, stdinMode } from '../stdin.js';
import { reportFormat, TEXT_OR_JSON, type RegistryCliOptions } from '../options.js';
import { location, printFailures, progressLine } from '../output.js';
import { printRun } from './pin.js';

/** UpdateCliOptions are `digestpin update`'s flags. */
export interface UpdateCliOptions extends RegistryCliOptions {
  dockerfileCopyFrom?: boolean;
  /** maxFileSize is `--max-file-size` as typed (e.g. `32MiB`). */
  maxFileSize?: string;
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
  forge?: 'github' | 'gitlab' | 'gitea';
  apiUrl?: string;
  label: string[];
  reviewer: string[];
  author?: string;
  draft?: boolean;
  dryRun?: boolean;
  requirePlatforms?: string;
  /** versions is the default version level (`update --versions patch|minor|major`). */
  versions?: VersionLevel;
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
    const policyFor = policyResolver(config.updates, opts.versions);
    const base = await runOptions(paths, opts, { io, config, lockFile, resolver: recording, context, policyFor });
    if (stdin) {
      base.scanned = [await scanStdin(io, opts.stdinFilename ?? DEFAULT_STDIN_FILENAME, base.finderOptions ?? {})];
      base.lockFile = undefined;
    }
    const write = !stdin && !opts.pr && !opts.check && !opts.diff;
    const run = await pinTree({ ...base, write });
    for (const o of digestOnlyReferences(run)) writeLine(io.stderr, `left alone (digest only, no tag to follow): ${location(o)} ${o.span.raw}`);
    if (!opts.pr) {
      return printRun(run, { opts, io, stdinMode: stdin, lockFile, verb: 'updated', preview: 'would update' });
    }
    base.versions = frozenVersions(run);
    if (run.failures.length > 0 && !opts.keepGoing) {
      printFailures(io.stderr, run.failures, run.scanned);
      writeLine(io.stderr, `digestpin: ${run.failures.length} reference(s) failed to resolve; no pull request was made`);
      return ExitCode.error;
    }
    return await pullRequest(run, { paths, opts, io, lockFile, base, recording, context, policyFor, config });
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
  policyFor: (ref: ImageReference) => ImagePolicy;
}

async function runOptions(paths: string[], opts: UpdateCliOptions, { io, config, lockFile, resolver, context, policyFor }: RunInputs): Promise<PinTreeOptions> {
  const byName = globFilter(opts.image, opts.excludeImage);
  const select = (o: Occurrence): boolean => byName(lockKey(o.ref!)) && !policyFor(o.ref!).ignore;
  return {
    paths,
    cwd: io.cwd,
    include: [...config.include, ...opts.include],
    exclude: [...config.exclude, ...opts.exclude],
    finderOptions: finderOptionsFor(config, opts),
    resolver,
    concurrency: opts.concurrency,
    // A pull request is never opened over a tree with a file digestpin could not read.
    keepGoing: opts.keepGoing && !opts.pr,
    mode: 'update',
    select,
    lock: lockFile ? await readLock(lockFile) : emptyLock(),
    lockFile,
    lockDir: lockFile ? path.dirname(lockFile) : io.cwd,
    now: (io.now?.() ?? new Date()).toISOString(),
    beforeResolve: opts.pullSecretsFromTree ? (scanned) => context.usePullSecretsFromTree(scanned) : undefined,
    onProgress: opts.json ? undefined : progressLine(io.stderr, 'checking'),
    versions: versionPlanner(context.client, policyFor, opts.concurrency),
  };
}

/**
 * frozenVersions replays the first pass's version moves on the PR branch (by reference
 * and old tag), so both passes write the same tags without listing tags again.
 */
function frozenVersions(run: PinRun): NonNullable<PinTreeOptions['versions']> {
  const moves = new Map<string, ReturnType<typeof run.bumps.get>>();
  for (const [o, bump] of run.bumps) moves.set(lockKey(o.ref!), bump);
  return async (occurrences) => {
    const bumps = new Map();
    for (const o of occurrences) {
      const bump = o.ref?.tag ? moves.get(lockKey(o.ref)) : undefined;
      if (bump) bumps.set(o, bump);
    }
    return { bumps, failures: [] };
  };
}

interface PrContext {
  paths: string[];
  opts: UpdateCliOptions;
  io: CliIO;
  lockFile?: string;
  base: PinTreeOptions;
  recording: RecordingResolver;
  context: RegistryContext;
  policyFor: (ref: ImageReference) => ImagePolicy;
  config: DigestpinConfig;
}

async function pullRequest(run: PinTreeReport, ctx: PrContext): Promise<number> {
  const { opts, io, config } = ctx;
  const git = new Git({ cwd: io.cwd, env: io.env as NodeJS.ProcessEnv });
  // --show-cdup keeps the cwd's own spelling (--show-toplevel resolves symlinks, which would
  // make the scanned paths look like they sit outside the repository).
  const root = path.resolve(io.cwd, (await git.run(['rev-parse', '--show-cdup'])).trim() || '.');
  const groupOf = (o: Occurrence): string | undefined => ctx.policyFor(o.ref!).group;
  const updates = imageUpdates(run, root, groupOf);
  await explainUpdates(updates, run, ctx.context.client);
  const remoteUrl = updates.length > 0 && !opts.dryRun ? await git.remoteUrl(opts.remote) : '';
  let forge: ReturnType<typeof createForge> | undefined;
  const results = await openGroupPullRequests({
    updates,
    defaultBranch: opts.branch,
    open: (group, branch, groupUpdates) => openOrUpdatePullRequest({
      updates: groupUpdates,
      git,
      forge: () => (forge ??= createForge({ remoteUrl, env: io.env as NodeJS.ProcessEnv, forge: opts.forge, apiUrl: opts.apiUrl, dispatcher: io.dispatcher })),
      branch,
      base: opts.base,
      remote: opts.remote,
      author: opts.author ? parseAuthor(opts.author) : DEFAULT_AUTHOR,
      labels: [...new Set([...opts.label, ...config.updates.labels])],
      reviewers: [...new Set([...opts.reviewer, ...config.updates.reviewers])],
      assignees: config.updates.assignees,
      draft: opts.draft,
      dryRun: opts.dryRun,
      reproduceCommand: `digestpin update${opts.versions ? ` --versions ${opts.versions}` : ''} --diff ${ctx.paths.join(' ')}`,
      commitFiles: () => rewriteOnBranch(ctx, (o) => groupOf(o) === group),
      log: (line) => writeLine(io.stderr, `digestpin: ${line}`),
    }),
  });
  for (const { result, count } of results) {
    if (result.action === 'dry-run') {
      writeLine(io.stdout, `branch: ${result.branch}${result.base ? ` (base ${result.base})` : ''}\ntitle: ${result.title}\n\ncommit message:\n${result.commitMessage}\n\nbody:\n${result.body}`);
    } else if (result.action === 'unchanged') {
      writeLine(io.stdout, count === 0 ? 'no digest moved; nothing to do' : `pull request already up to date${result.url ? `: ${result.url}` : ''}`);
    } else {
      writeLine(io.stdout, `${result.action} pull request${result.number ? ` #${result.number}` : ''}${result.url ? `: ${result.url}` : ''} (${count} image(s))`);
    }
    for (const w of result.warnings) writeLine(io.stderr, `warning: ${w}`);
  }
  return ExitCode.ok;
}

/** rewriteOnBranch re-plans on the PR branch's files (and its lock) with the digests and tag moves seen before, then writes the group's files and the lock. */
async function rewriteOnBranch(ctx: PrContext, inGroup: (o: Occurrence) => boolean): Promise<void> {
  const select = (o: Occurrence): boolean => (ctx.base.select?.(o) ?? true) && inGroup(o);
  await pinTree({ ...ctx.base, lock: undefined, select, resolver: new MapResolver(ctx.recording.seen), beforeResolve: undefined, write: true, keepGoing: true });
}

/** parseAuthor parses `Name <email>`. */
export function parseAuthor(value: string): GitAuthor {
  const match = /^\s*(.+?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(value);
  if (!match) throw new PinError('USAGE', `--author "${value}" must look like "Name <email@example.com>"`);
  return { name: match[1]!, email: match[2]! };
}
