/**
 * parseWorkflowCommand reads `::cmd k=v,k=v::message` the way the Actions runner does
 * (properties end at the first `::`, split on `,` and the first `=`, then unescaped).
 */
export function parseWorkflowCommand(line: string): { command: string; props: Record<string, string>; message: string } {
  const match = /^::([a-z-]+)(?: (.*?))?::(.*)$/.exec(line);
  if (!match) throw new Error(`not a workflow command: ${line}`);
  const unescape = (v: string) => v.replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  const props = Object.fromEntries((match[2] ?? '').split(',').filter(Boolean).map((kv) => {
    const at = kv.indexOf('=');
    return [kv.slice(0, at), unescape(kv.slice(at + 1))];
  }));
  return { command: match[1]!, props, message: unescape(match[3]!) };
}
