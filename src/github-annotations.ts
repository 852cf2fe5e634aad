// GitHub Actions workflow commands (`::error file=…::message`), escaped as
// @actions/core's command.ts escapeData / escapeProperty do:
// https://docs.github.com/actions/reference/workflow-commands-for-github-actions

/** escapeData escapes a workflow command's message. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** escapeProperty escapes a workflow command property value (also `:` and `,`). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** workflowCommand renders one annotation line such as `::error file=a.yaml,line=3::message`. */
export function workflowCommand(level: string, properties: Record<string, string | number | undefined>, message: string): string {
  const props = Object.entries(properties)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? v : escapeProperty(v!)}`)
    .join(',');
  return `::${level}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}
