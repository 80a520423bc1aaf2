import { BUILT_ZONES } from './built-zones';
import { offsetAt, type ZoneOffsets } from './zone-offsets';

/**
 * `time` as it reads in the zone, as an ISO string (`2026-11-23T09:12:00.000Z` read as local time), from
 * the offsets the bundle was built with; undefined when there are none for that zone or that time.
 */
function builtLocal(timeZone: string, zones: ReadonlyArray<ZoneOffsets>): (time: Date) => string | undefined {
  const table = zones.find((candidate) => candidate.zone === timeZone);
  if (!table) return () => undefined;
  return (time) => {
    const offset = offsetAt(table, time.getTime());
    return offset === undefined ? undefined : new Date(time.getTime() + offset).toISOString();
  };
}

/** Intl's formatter, made on first use only: without it a bundle never loads ICU's time-zone data. */
function onFirstUse(make: () => Intl.DateTimeFormat): (time: Date) => string {
  let format: Intl.DateTimeFormat | undefined;
  return (time) => {
    format ??= make();
    return format.format(time);
  };
}

/**
 * A formatter in the zone: `fromLocal` cuts what it needs from the local ISO string when the built
 * offsets cover the time, and Intl's formatter (made on first use) answers otherwise, with the same text.
 */
function inZone(
  timeZone: string,
  zones: ReadonlyArray<ZoneOffsets>,
  fromLocal: (localIso: string) => string,
  intlFormat: () => Intl.DateTimeFormat,
): (time: Date) => string {
  const local = builtLocal(timeZone, zones);
  const intl = onFirstUse(intlFormat);
  return (time) => {
    const localIso = local(time);
    return localIso === undefined ? intl(time) : fromLocal(localIso);
  };
}

/**
 * Times for people, in the check's time zone (Asia/Seoul by default): on-call reads local time.
 * `zones`: the offsets known without Intl (the bundle's, unless a test gives others).
 */
export function clockIn(timeZone: string, zones = BUILT_ZONES): (time: Date) => string {
  // `09:12`, as en-GB writes it.
  return inZone(
    timeZone,
    zones,
    (localIso) => localIso.slice(11, 16),
    () =>
      new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  );
}

/** `2026-11-23` in the zone. */
export function dayIn(timeZone: string, zones = BUILT_ZONES): (time: Date) => string {
  // `2026-11-23`, as en-CA writes it.
  return inZone(
    timeZone,
    zones,
    (localIso) => localIso.slice(0, 10),
    () => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
  );
}

/** `2026-11-23 09:12` in the zone, or `09:12` when it is the same day as `today`. */
export function whenIn(timeZone: string, today: Date): (time: Date) => string {
  const clock = clockIn(timeZone);
  const day = dayIn(timeZone);
  return (time) => (day(time) === day(today) ? clock(time) : `${day(time)} ${clock(time)}`);
}

export function durationWords(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h${minutes % 60 ? `${minutes % 60}m` : ''}`;
  return `${Math.floor(hours / 24)} days`;
}
