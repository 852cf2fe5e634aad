/** DriftStatus classifies one locked tag after re-resolving it. */
export type DriftStatus = 'unchanged' | 'moved' | 'vanished' | 'error';

/** ImageProvenance is what an image says about itself (OCI annotations / config labels). */
export interface ImageProvenance {
  version?: string;
  revision?: string;
  created?: string;
  source?: string;
}

/** DriftExplanation says why a tag moved, as far as the registry can tell. */
export interface DriftExplanation {
  /** summary is one human line, e.g. `rebuilt: created 2026-11-19 → 2026-11-20, revision 1a2b → 3c4d`. */
  summary: string;
  old?: ImageProvenance;
  new?: ImageProvenance;
  /** oldAvailable is false when the old digest is gone from the registry. */
  oldAvailable: boolean;
}

/** DriftItem is the result for one locked tag. */
export interface DriftItem {
  /** reference is the lock key `registry/repo:tag`. */
  reference: string;
  status: DriftStatus;
  lockedDigest: string;
  currentDigest?: string;
  files: string[];
  /** kindChange flags an index ⇄ single-manifest flip. */
  kindChange?: 'index-to-manifest' | 'manifest-to-index';
  /** platformsChanged lists `os/arch` whose digest changed, appeared or disappeared (indexes). */
  platformsChanged?: string[];
  currentMediaType?: string;
  currentPlatforms?: Record<string, string>;
  explanation?: DriftExplanation;
  /** error is set for status `error` (auth denied, rate limited, network) and `vanished`. */
  error?: { code: string; message: string };
}

/** DriftReport is the stable JSON shape of `digestpin drift --format json`. */
export interface DriftReport {
  checked: number;
  unchanged: number;
  moved: DriftItem[];
  vanished: DriftItem[];
  errors: Array<{ reference: string; code: string; message: string; files: string[] }>;
  /** items holds every checked entry in lock order (for text/markdown rendering). */
  items: DriftItem[];
}
