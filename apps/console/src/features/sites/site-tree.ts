import type { SiteRecord, SiteSystemListSchema } from "@firebreak/domain";
import type { z } from "zod";

export type SiteSystemItem = z.infer<typeof SiteSystemListSchema>["items"][number];

export interface SiteNode {
  site: SiteRecord;
  children: SiteNode[];
}

const TYPE_ORDER = { CENTRAL: 0, PRIMARY: 1, SECONDARY: 2 } as const;

/**
 * The hierarchy as a forest: central → primaries → secondaries, siblings by type then code. A site
 * whose parent is unknown (or a cycle) becomes a root, so nothing imported is ever hidden.
 */
export function buildSiteTree(sites: readonly SiteRecord[]): SiteNode[] {
  const nodes = new Map(sites.map((site) => [site.siteCode, { site, children: [] as SiteNode[] }]));
  const roots: SiteNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.site.parentSiteCode ? nodes.get(node.site.parentSiteCode) : undefined;
    if (parent && parent !== node && !isAncestor(node, parent, nodes)) parent.children.push(node);
    else roots.push(node);
  }
  const sort = (list: SiteNode[]) => {
    list.sort(
      (a, b) => TYPE_ORDER[a.site.type] - TYPE_ORDER[b.site.type] || a.site.siteCode.localeCompare(b.site.siteCode),
    );
    for (const n of list) sort(n.children);
  };
  sort(roots);
  return roots;
}

function isAncestor(node: SiteNode, candidate: SiteNode, nodes: Map<string, SiteNode>): boolean {
  // Walks up from the candidate parent: finding `node` means the link would close a cycle.
  let current: SiteNode | undefined = candidate;
  const seen = new Set<string>();
  while (current && !seen.has(current.site.siteCode)) {
    if (current === node) return true;
    seen.add(current.site.siteCode);
    current = current.site.parentSiteCode ? nodes.get(current.site.parentSiteCode) : undefined;
  }
  return false;
}

/** Computers in a site and everything below it. */
export const subtreeComputerCount = (node: SiteNode): number =>
  node.site.computerCount + node.children.reduce((n, c) => n + subtreeComputerCount(c), 0);

/** "UTC+05:30" */
export function formatUtcOffset(minutes: number): string {
  const sign = minutes < 0 ? "−" : "+";
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** Every quarter hour from UTC−12:00 to UTC+14:00 (the API's range). */
export const UTC_OFFSET_OPTIONS = Array.from({ length: (840 + 720) / 15 + 1 }, (_, i) => {
  const minutes = -720 + i * 15;
  return { value: String(minutes), label: formatUtcOffset(minutes) };
});
