// `npx tsx bench/lab.ts [bench flags]`: starts the benchmark's registry, proxies and trees
// (the same setup `npm run bench` measures) and keeps them running for profiling by hand.
// Writes WORK/lab.json (trees, env, registry flags) and WORK/env.sh, prints WORK, and stops
// on Ctrl-C. Example:  . WORK/env.sh && cd "$(mktemp -d)" && cp -r $W1/. . && $PIN
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRegistry } from '../test/harness/registry.js';
import { parseBenchArgs } from './args.js';
import { planTags, registryName, seedTags } from './generate.js';
import { labAccess, labEnv } from './phases.js';
import { startProxy, type RunningProxy } from './proxy.js';
import { makeTrees } from './suite.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

async function main(): Promise<void> {
  const config = parseBenchArgs([...process.argv.slice(2), '--no-doc']);
  if (!existsSync(path.join(root, 'dist', 'cli', 'main.js'))) throw new Error('bench/lab: run "npm run build" first');
  const work = await mkdtemp(path.join(os.tmpdir(), 'digestpin-lab-'));
  const registry = await startRegistry({ mode: config.auth });
  const proxies: RunningProxy[] = [];
  const stop = async () => {
    for (const p of proxies) await p.stop();
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
    process.exit(0);
  };
  process.once('SIGINT', stop).once('SIGTERM', stop);
  for (let i = 0; i < config.shape.registries; i++) {
    proxies.push(await startProxy({
      upstream: registry.url, delayMs: config.delayMs, connectRttMs: config.connectRttMs,
      ...(registry.caPem ? { caPem: registry.caPem } : {}), ...(registry.tokenServer ? { tokenRealm: registry.tokenServer.realm } : {}),
    }));
  }
  const access = await labAccess(config, work, registry.users, proxies);
  const { dockerConfig } = access;
  const registryArgs = [...access.registryArgs, '--concurrency', String(config.concurrency)];
  const most = Math.max(config.w1.unique, config.w2.unique, config.large.unique, ...config.scaleTags);
  await seedTags(registry, planTags({ ...config.shape, files: 1, refs: most, unique: most }), config.seedConcurrency);
  const lab = { root, work, config, proxies, registryNames: proxies.map((_, i) => registryName(i)), registryArgs, digests: new Map(),
    cli: path.join(root, 'bin', 'digestpin.js'), env: labEnv(path.join(work, 'home'), dockerConfig), baseline: '', headLoop: '' };
  const trees = await makeTrees(lab);
  const env = labEnv(path.join(work, 'home'), dockerConfig);
  await writeFile(path.join(work, 'lab.json'), JSON.stringify({ registryArgs, env: { HOME: env.HOME, DOCKER_CONFIG: env.DOCKER_CONFIG },
    trees: { w1: trees.w1.dir, w2: trees.w2.dir, large: trees.large.dir } }, null, 2));
  await writeFile(path.join(work, 'env.sh'), [
    `export HOME=${shellQuote(env.HOME!)} DOCKER_CONFIG=${shellQuote(dockerConfig)}`,
    'unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy REGISTRY_AUTH_FILE',
    `export W1=${shellQuote(trees.w1.dir)} W2=${shellQuote(trees.w2.dir)} LARGE=${shellQuote(trees.large.dir)}`,
    `export PIN=${shellQuote(`node ${lab.cli} pin . ${registryArgs.map(shellQuote).join(' ')}`)}`,
    '',
  ].join('\n'));
  console.log(work);
  await new Promise(() => undefined);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
