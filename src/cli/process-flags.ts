import v8 from 'node:v8';
import type { Worker } from 'node:worker_threads';

/**
 * BASELINE_WASM keeps WebAssembly on V8's baseline compiler (Liftoff). The only WebAssembly a
 * run executes is undici's HTTP parser (llhttp). Its one large state-machine function gets hot
 * after a few hundred responses, and TurboFan then recompiled it on a background thread: about
 * 30 MB of compiler memory for a moment and a share of the second core. Measured on W1 (200
 * files, 1000 references): peak RSS 127 → 111 MB. Parsing a few thousand small registry
 * responses with baseline code costs nothing measurable.
 *
 * Not `--liftoff-only`, which saves the same: it is a testing flag that turns any Liftoff
 * bailout into a fatal error, and Liftoff bails out when the CPU lacks a feature (SIMD, which
 * undici tries first). Without tier-up a bailout still falls back to TurboFan for that function.
 */
const BASELINE_WASM = ['--no-wasm-tier-up', '--no-wasm-dynamic-tiering'];

/**
 * BOUNDED_OLD_GENERATION lets the old generation grow to 1.5x what the last full collection
 * kept, instead of up to 4x when collecting looks cheap. A run holds a working set that grows
 * with the tree (occurrences, the plan, the writes in flight) while most of what it promotes
 * dies soon; V8's default let 35 MB of live data sit in 80-90 MB of old space on 10,000 files.
 * Measured there: peak RSS ~190 -> ~170 MB, CPU within the noise (see docs/benchmarks.md).
 * V8 reads the flag at every collection, so setting it at start-up takes effect.
 */
const BOUNDED_OLD_GENERATION = ['--heap-growing-percent=50'];

/**
 * FIXED_YOUNG_GENERATION keeps the young generation's two semi-spaces at V8's initial 1 MB. V8
 * doubles them each time as many bytes as their size have survived scavenges since the last
 * growth, so a run that keeps ~15 MB of what it scans (occurrences, the plan, the lock) ends with
 * them at their maximum: 2 x 16 MB on V8 11, 2 x 64 MB on V8 13, nearly all of it garbage. The
 * YAML parser allocates ~130 bytes per byte parsed (src/yaml/cst), so a 1 MB nursery costs little:
 * measured on 10,000 files (pool on), peak RSS ~162 -> ~124 MB at the same CPU; W2 in one thread
 * (`DIGESTPIN_SCAN_WORKERS=0`) pays ~15% more CPU (docs/benchmarks.md, seventh wave).
 *
 * V8 raises a growth factor below 2 back to 2 whenever it sets up a heap, at start-up (so the
 * node option has no effect) and for every new isolate, which each worker thread is: the flags
 * are the process's, so applyCliV8Flags sets this one again once each worker is online. In the
 * moment between a worker's new heap and its `online` event the main thread may still grow once
 * (to 2 MB semi-spaces; seen on 10,000 files).
 */
const FIXED_YOUNG_GENERATION = ['--semi-space-growth-factor=1'];

/**
 * V8_MAJORS_KNOWN are the V8 majors whose flags were checked: Node 20 (V8 11), 22 (12) and 24 (13)
 * each accept every flag above, set at run time.
 */
const V8_MAJORS_KNOWN = { min: 11, max: 13 };

/**
 * cliV8Flags returns the V8 flags the CLI process sets for itself on the given V8 version
 * (`process.versions.v8`). A V8 outside the known range gets none, because V8 prints an
 * unknown flag to the process's output.
 */
export function cliV8Flags(v8Version: string): string[] {
  const major = Number.parseInt(v8Version, 10);
  if (!Number.isInteger(major) || major < V8_MAJORS_KNOWN.min || major > V8_MAJORS_KNOWN.max) return [];
  return [...BASELINE_WASM, ...BOUNDED_OLD_GENERATION, ...FIXED_YOUNG_GENERATION];
}

/**
 * applyCliV8Flags sets cliV8Flags on this process. Only the CLI entry calls it, before any
 * connection is made: the flags apply to the whole process, and the library leaves the
 * process of its callers alone. A worker thread's new heap resets the young generation's
 * growth factor (see FIXED_YOUNG_GENERATION), so the flag is set again once each worker is
 * online.
 */
export function applyCliV8Flags(v8Version = process.versions.v8): void {
  const flags = cliV8Flags(v8Version);
  if (flags.length === 0) return;
  setV8Flags(flags);
  process.on('worker', (worker: Worker) => {
    worker.once('online', () => setV8Flags(FIXED_YOUNG_GENERATION));
  });
}

function setV8Flags(flags: readonly string[]): void {
  for (const flag of flags) v8.setFlagsFromString(flag);
}
