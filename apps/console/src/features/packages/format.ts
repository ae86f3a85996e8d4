import { formatCount } from "../../lib/format";

/** 5120 → "5.0 MB"; sizes are KB (1,024 bytes) as SMS reports PackageSize. */
export function formatSizeKB(kb: number): string {
  if (kb >= 1024 * 1024) return `${(kb / 1024 / 1024).toFixed(1)} GB`;
  if (kb >= 1024) return `${(kb / 1024).toFixed(1)} MB`;
  return `${formatCount(kb)} KB`;
}
