/**
 * A time zone's UTC offsets over a bounded span, as a list of transitions, so that a digest can name
 * the day and the time in the zone with arithmetic instead of Intl: asking Intl about a zone loads ICU
 * and its time-zone data, which was a large part of a check's cold first event (issue 14).
 *
 * Bundles get the table of the policy's `checks.timezone` from tools/zone-offsets-plugin.cjs, computed
 * at build time by `zoneOffsets` below from the build's Intl (so from the build's tz data, as the
 * policy's zone is checked against the build's Node). Outside the span, or for a zone without a table
 * (tests, the CLI), shared/audits/time.ts asks Intl as before: the answer is the same, only slower.
 */

export interface ZoneOffsets {
  readonly zone: string;
  /** The span the table answers for, [from, until) in ms since the epoch. */
  readonly from: number;
  readonly until: number;
  /**
   * `[since, offsetMs]` pairs, ascending: from `since` (ms since the epoch) the zone is `offsetMs`
   * ahead of UTC, until the next pair. The first pair starts at `from`.
   */
  readonly transitions: ReadonlyArray<readonly [number, number]>;
}

const HOUR_MS = 3_600_000;

/** What Intl says the zone's offset is at `ms` (to the second, as Intl formats). */
export function intlOffset(format: Intl.DateTimeFormat, ms: number): number {
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(ms))) parts[part.type] = Number(part.value);
  const local = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return local - (ms - (((ms % 1000) + 1000) % 1000));
}

/** A formatter that gives every field `intlOffset` needs, in the zone (throws on an unknown zone, as Intl does). */
export function offsetFormat(zone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  });
}

/**
 * The zone's offsets over [from, until), read from Intl hour by hour; each change is then found to the
 * second by bisection. No zone changes its offset twice within an hour, so none is missed.
 */
export function zoneOffsets(zone: string, from: number, until: number): ZoneOffsets {
  const format = offsetFormat(zone);
  const transitions: Array<readonly [number, number]> = [[from, intlOffset(format, from)]];
  let before = from;
  let offset = intlOffset(format, from);
  for (let at = from + HOUR_MS; at < until + HOUR_MS; at += HOUR_MS) {
    const probe = Math.min(at, until);
    const next = intlOffset(format, probe);
    if (next !== offset) {
      // The change happens in (before, probe]: bisect to the first second with the new offset.
      let low = before;
      let high = probe;
      while (high - low > 1000) {
        const middle = low + Math.floor((high - low) / 2000) * 1000;
        if (intlOffset(format, middle) === offset) low = middle;
        else high = middle;
      }
      if (high < until) transitions.push([high, next]);
      offset = next;
    }
    before = probe;
    if (probe === until) break;
  }
  return { zone, from, until, transitions };
}

/** The zone's offset at `ms` from the table, or undefined outside its span. */
export function offsetAt(table: ZoneOffsets, ms: number): number | undefined {
  if (!(ms >= table.from && ms < table.until)) return undefined;
  const { transitions } = table;
  let low = 0;
  let high = transitions.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((transitions[middle]?.[0] ?? Number.POSITIVE_INFINITY) <= ms) low = middle;
    else high = middle - 1;
  }
  return transitions[low]?.[1];
}
