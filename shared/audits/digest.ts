/**
 * A digest: the result of a check as plain data — counts first, then sections of items. It travels in
 * the finding's `details.digest`, the terminal prints it with `digestText`, and Slack gets
 * `digestBlocks` (digest-blocks.ts). A day with nothing to list is one line.
 */
export type Severity = 'critical' | 'warning' | 'info';

export interface DigestCount {
  readonly label: string;
  readonly value: string;
  /** ok: nothing to do; otherwise the worst severity behind the number. */
  readonly status: 'ok' | Severity;
}

export interface DigestSection {
  readonly title: string;
  readonly severity: Severity;
  readonly items: string[];
  /** Items left out to keep the message bounded (the CLI shows everything). */
  readonly omitted: number;
}

export interface Digest {
  readonly check: 'daily' | 'weekly';
  readonly title: string;
  readonly counts: DigestCount[];
  readonly sections: DigestSection[];
  /** The one line said when there is nothing to list. */
  readonly allClear: string;
  /** The checks that could not run (their reasons are under "Checks that could not run"). */
  readonly notRun?: ReadonlyArray<string>;
}

/** `what: why` failures → the distinct `what`s for the headline, sorted (reads finish in any order). */
export function notRunOf(failures: ReadonlyArray<string>): string[] {
  return [...new Set(failures.map((failure) => failure.split(': ')[0] ?? failure))].sort();
}

/** Items per section carried in a finding: SNS takes 256 KB, Slack 50 blocks. */
export const MAX_ITEMS_PER_SECTION = 40;

const RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

export function section(
  title: string,
  severity: Severity,
  items: ReadonlyArray<string>,
  limit = MAX_ITEMS_PER_SECTION,
): DigestSection | undefined {
  if (items.length === 0) return undefined;
  return { title, severity, items: items.slice(0, limit), omitted: Math.max(0, items.length - limit) };
}

/** Sections by severity (critical first), empty ones dropped. */
export function sections(list: ReadonlyArray<DigestSection | undefined>): DigestSection[] {
  return list
    .filter((entry): entry is DigestSection => entry !== undefined)
    .sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}

/** "all clear" only when every check ran and nothing was found. */
export function isClean(digest: Digest): boolean {
  return digest.sections.length === 0 && (digest.notRun ?? []).length === 0;
}

/** The worst section, and never below `warning` when a check could not run: unknown is not fine. */
export function worstSeverity(digest: Digest): Severity {
  const worst = digest.sections[0]?.severity ?? 'info';
  return (digest.notRun ?? []).length > 0 && worst === 'info' ? 'warning' : worst;
}

/** The counts, led by the checks that could not run (a headline must never read as fine without them). */
export function countsLine(digest: Digest): string {
  const notRun = digest.notRun ?? [];
  return [
    ...(notRun.length > 0 ? [`could not run: ${notRun.join(', ')}`] : []),
    ...digest.counts.map((count) => `${count.label} ${count.value}`),
  ].join(' · ');
}

/** `Daily check 2026-11-23: …` in one line, for clean days, fallbacks and finding titles. */
export function summaryLine(digest: Digest): string {
  return isClean(digest) ? `${digest.title}: ${digest.allClear}` : `${digest.title}: ${countsLine(digest)}`;
}

const MARK: Record<Severity, string> = { critical: '[critical]', warning: '[warning]', info: '[info]' };

/** Plain text for the terminal. */
export function digestText(digest: Digest): string[] {
  if (isClean(digest)) return [`✓ ${summaryLine(digest)}`];
  const lines = [digest.title, countsLine(digest)];
  for (const entry of digest.sections) {
    lines.push('', `${MARK[entry.severity]} ${entry.title} (${entry.items.length + entry.omitted})`);
    for (const item of entry.items) lines.push(`  • ${item}`);
    if (entry.omitted > 0) lines.push(`  … and ${entry.omitted} more`);
  }
  return lines;
}

/** A digest as it arrives in a finding's `details` (JSON from SNS): checked before it is rendered. */
export function asDigest(value: unknown): Digest | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const candidate = value as Partial<Digest>;
  const sectionsOk =
    Array.isArray(candidate.sections) &&
    candidate.sections.every(
      (entry) =>
        typeof entry?.title === 'string' && Array.isArray(entry.items) && typeof entry.omitted === 'number',
    );
  const countsOk =
    Array.isArray(candidate.counts) && candidate.counts.every((count) => typeof count?.label === 'string');
  return (candidate.check === 'daily' || candidate.check === 'weekly') &&
    typeof candidate.title === 'string' &&
    typeof candidate.allClear === 'string' &&
    sectionsOk &&
    countsOk
    ? (candidate as Digest)
    : undefined;
}

/** A group as on-call knows it: `rds-postgres-sg (sg-0db…)`, or the id alone when the name is unknown. */
export function groupLabel(groupId: string, groupName: string | undefined): string {
  return groupName ? `${groupName} (${groupId})` : groupId;
}
