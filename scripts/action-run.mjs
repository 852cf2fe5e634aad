// The GitHub Action's run step (action.yml): runs one digestpin command built from the
// action's checkout, prints annotations (workflow commands) on stdout, appends a markdown
// job summary to $GITHUB_STEP_SUMMARY, sets the `exit-code` output and exits with it.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const env = process.env;
const cli = path.join(env.DIGESTPIN_ACTION_PATH ?? path.resolve(import.meta.dirname, '..'), 'bin', 'digestpin.js');
const COMMANDS = { 'pin --check': ['pin', '--check'], drift: ['drift'], 'update --pr': ['update', '--pr'] };

/** words splits an input on whitespace (inputs hold paths and flags, not shell syntax). */
const words = (text) => (text ?? '').split(/\s+/).filter(Boolean);
/** escapeData / escapeProperty escape workflow-command text as the runner expects. */
const escapeData = (s) => String(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
/** summary appends the markdown to the job summary and to the report file (output `report-file`, for later steps). */
const reportFile = path.join(env.RUNNER_TEMP ?? os.tmpdir(), 'digestpin-report.md');
const summary = (markdown) => {
  writeFileSync(reportFile, `${markdown}\n`);
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
};
const output = (name, value) => env.GITHUB_OUTPUT && appendFileSync(env.GITHUB_OUTPUT, `${name}=${value}\n`);

function run(args) {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env, maxBuffer: 256 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { code: result.status ?? 2, stdout: result.stdout, stderr: result.stderr };
}

/** errorAnnotations turns `digestpin: … [CODE]` stderr lines into error annotations. */
function errorAnnotations(stderr) {
  for (const line of stderr.split('\n')) if (/^digestpin: .*\[[A-Z_]+\]$/.test(line)) console.log(`::error title=digestpin::${escapeData(line.slice('digestpin: '.length))}`);
}

function dockerConfigArgs() {
  if (!env.INPUT_DOCKER_CONFIG_JSON) return [];
  const dir = path.join(env.RUNNER_TEMP ?? os.tmpdir(), 'digestpin-docker');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(dir, 'config.json'), env.INPUT_DOCKER_CONFIG_JSON, { mode: 0o600 });
  return ['--docker-config', dir];
}

function pinCheck(base, extra) {
  const result = run([...base, ...words(env.INPUT_PATHS || '.'), '--json', ...extra]);
  process.stderr.write(result.stderr);
  errorAnnotations(result.stderr);
  let report;
  try { report = JSON.parse(result.stdout); } catch { report = undefined; }
  const unpinned = (report?.occurrences ?? []).filter((o) => o.status === 'unpinned');
  for (const o of unpinned) {
    console.log(`::error file=${escapeProperty(o.file)},line=${o.line},col=${o.column},title=digestpin::${escapeData(`${o.raw} is not pinned by digest (run: digestpin pin ${o.file})`)}`);
  }
  const rows = unpinned.map((o) => `| \`${o.file}:${o.line}\` | \`${o.raw.replace(/[|`]/g, '\\$&')}\` |`);
  summary(result.code === 0
    ? '## digestpin pin --check\n\nEvery image reference is pinned by digest.'
    : `## digestpin pin --check\n\n${unpinned.length} reference(s) not pinned by digest (exit ${result.code}).\n\n${rows.length ? `| where | reference |\n|---|---|\n${rows.join('\n')}` : ''}`);
  return result.code;
}

function drift(base, extra) {
  // Annotations from --format github; the summary from a second pass in markdown that never fails.
  const result = run([...base, '--format', 'github', ...extra]);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  const markdown = run([...base, '--format', 'markdown', ...extra.filter((a, i, all) => a !== '--fail-on' && all[i - 1] !== '--fail-on'), '--fail-on', 'none', '--no-explain']);
  summary(markdown.code === 0 ? markdown.stdout : `## digestpin drift\n\nexit ${result.code}\n\n\`\`\`\n${result.stderr}\n\`\`\``);
  return result.code;
}

function updatePr(base, extra) {
  const result = run([...base, ...words(env.INPUT_PATHS || '.'), ...extra]);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  errorAnnotations(result.stderr);
  summary(`## digestpin update --pr\n\n\`\`\`\n${result.stdout.trimEnd() || '(no output)'}\n\`\`\``);
  return result.code;
}

const base = COMMANDS[(env.INPUT_COMMAND ?? '').trim().replace(/\s+/g, ' ')];
let code;
if (!base) {
  console.log(`::error title=digestpin::input command "${escapeData(env.INPUT_COMMAND ?? '')}" is not one of: ${Object.keys(COMMANDS).join(', ')}`);
  code = 2;
} else {
  const extra = [...words(env.INPUT_ARGS), ...dockerConfigArgs()];
  code = base[0] === 'pin' ? pinCheck(base, extra) : base[0] === 'drift' ? drift(base, extra) : updatePr(base, extra);
}
output('exit-code', code);
output('report-file', reportFile);
process.exit(code);
