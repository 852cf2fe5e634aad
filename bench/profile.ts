// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per module.
import { readFile } from 'node:fs/promises';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame }>;
  samples: number[];
  timeDeltas: number[];
}

/** ProfileEntry is one function (or module) and its self time. */
export interface ProfileEntry {
  name: string;
  selfMs: number;
  /** share is selfMs over the profile's total, 0..1. */
  share: number;
}

/** ProfileSummary lists the top functions and modules by self time. */
export interface ProfileSummary {
  totalMs: number;
  functions: ProfileEntry[];
  modules: ProfileEntry[];
}

/** moduleOf names the package or file a frame's url belongs to. */
export function moduleOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node internals';
  const dist = /\/dist\/(.+)$/.exec(url);
  return dist ? `dist/${dist[1]}` : url.replace(/^file:\/\//, '');
}

/** shortUrl shortens a frame's url to `package/path` or `dist/path` for function names. */
export function shortUrl(url: string): string {
  const pkg = /node_modules\/(.+)$/.exec(url);
  if (pkg) return pkg[1]!;
  const dist = /\/(dist\/.+)$/.exec(url);
  return dist ? dist[1]! : url.replace(/^file:\/\//, '');
}

function top(map: Map<string, number>, total: number, n: number): ProfileEntry[] {
  return [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, us]) => ({ name, selfMs: us / 1000, share: us / total }));
}

/** summariseProfile reads a .cpuprofile and returns the top n functions and modules by self time. */
export async function summariseProfile(file: string, n = 12): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const functions = new Map<string, number>();
  const modules = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    if (!frame || us <= 0) return;
    total += us;
    const where = frame.url ? ` ${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
    const fn = `${frame.functionName || '(anonymous)'}${where}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
    const mod = moduleOf(frame.url, frame.functionName);
    modules.set(mod, (modules.get(mod) ?? 0) + us);
  });
  return { totalMs: total / 1000, functions: top(functions, total, n), modules: top(modules, total, n) };
}
