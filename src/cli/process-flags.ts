import v8 from 'node:v8';

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

/** V8_MAJORS_KNOWN are the V8 majors whose flags were checked (Node 20 has V8 11, Node 24 has 13). */
const V8_MAJORS_KNOWN = { min: 11, max: 13 };

/**
 * cliV8Flags returns the V8 flags the CLI process sets for itself on the given V8 version
 * (`process.versions.v8`). A V8 outside the known range gets none, because V8 prints an
 * unknown flag to the process's output.
 */
export function cliV8Flags(v8Version: string): string[] {
  const major = Number.parseInt(v8Version, 10);
  if (!Number.isInteger(major) || major < V8_MAJORS_KNOWN.min || major > V8_MAJORS_KNOWN.max) return [];
  return [...BASELINE_WASM, ...BOUNDED_OLD_GENERATION];
}

/**
 * applyCliV8Flags sets cliV8Flags on this process. Only the CLI entry calls it, before any
 * connection is made: the flags apply to the whole process, and the library leaves the
 * process of its callers alone.
 */
export function applyCliV8Flags(v8Version = process.versions.v8): void {
  for (const flag of cliV8Flags(v8Version)) v8.setFlagsFromString(flag);
}
