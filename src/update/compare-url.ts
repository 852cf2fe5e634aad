import type { ImageProvenance } from '../drift/types.js';

// OCI image-spec annotations.md: `org.opencontainers.image.source` is the URL of the source
// repository, `…revision` the source control revision. When both images name the same
// GitHub or GitLab repository and different revisions, the forge's compare page shows
// exactly what changed between them.

const REVISION = /^[0-9A-Za-z][0-9A-Za-z._/-]{0,99}$/;

/** compareUrl returns a GitHub/GitLab compare link between two images' revisions, or undefined. */
export function compareUrl(old: ImageProvenance | undefined, next: ImageProvenance | undefined): string | undefined {
  if (!old?.revision || !next?.revision || old.revision === next.revision) return undefined;
  if (!REVISION.test(old.revision) || !REVISION.test(next.revision)) return undefined;
  const repo = repositoryUrl(next.source);
  if (!repo || repo.web !== repositoryUrl(old.source ?? next.source)?.web) return undefined;
  const range = `${encodeURIComponent(old.revision)}...${encodeURIComponent(next.revision)}`;
  return repo.kind === 'github' ? `${repo.web}/compare/${range}` : `${repo.web}/-/compare/${range}`;
}

/** repositoryUrl reads a source label as an https GitHub or GitLab repository (no credentials, query or fragment). */
function repositoryUrl(source: string | undefined): { kind: 'github' | 'gitlab'; web: string } | undefined {
  if (!source) return undefined;
  let url: URL;
  try {
    url = new URL(source.replace(/^git\+/, ''));
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.search || url.hash) return undefined;
  const host = url.hostname.toLowerCase();
  const path = url.pathname.replace(/\/+$/, '').replace(/\.git$/, '');
  const segments = path.split('/').filter(Boolean);
  if (segments.some((s) => !/^[A-Za-z0-9._-]+$/.test(s))) return undefined;
  if ((host === 'github.com' || host.endsWith('.ghe.com')) && segments.length >= 2) {
    return { kind: 'github', web: `https://${host}/${segments[0]}/${segments[1]}` };
  }
  if ((host === 'gitlab.com' || host.includes('gitlab')) && segments.length >= 2) {
    const project = segments.slice(0, segments.indexOf('-') < 0 ? undefined : segments.indexOf('-'));
    return { kind: 'gitlab', web: `https://${url.host}/${project.join('/')}` };
  }
  return undefined;
}
