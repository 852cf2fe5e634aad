// Output scrubbing for the CLI (issue 11 item 9): a stream wrapper that removes secrets from
// everything written through it.

/** scrubbingStream wraps a stream so every string or Buffer written to it is scrubbed first. */
export function scrubbingStream<S extends NodeJS.WritableStream>(stream: S, scrub: (text: string) => string): S {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const scrubbed = (chunk: unknown, ...rest: unknown[]): boolean => {
    if (typeof chunk === 'string') return write(scrub(chunk), ...rest);
    if (Buffer.isBuffer(chunk)) return write(Buffer.from(scrub(chunk.toString('utf8')), 'utf8'), ...rest);
    return write(chunk, ...rest);
  };
  return new Proxy(stream, {
    get(target, property) {
      if (property === 'write') return scrubbed;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
