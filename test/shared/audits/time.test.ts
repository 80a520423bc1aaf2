/**
 * Days and times in the checks' zone from offsets computed at build time (shared/audits/zone-offsets.ts)
 * must read exactly as Intl writes them, in zones with daylight saving time and odd offsets, at and
 * around every change of offset, and fall back to Intl outside the table's span or for another zone.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { clockIn, dayIn, whenIn } from '../../../shared/audits/time';
import { grouped } from '../../../shared/audits/weekly-digest';
import {
  intlOffset,
  offsetAt,
  offsetFormat,
  type ZoneOffsets,
  zoneOffsets,
} from '../../../shared/audits/zone-offsets';

const REPO = resolve(import.meta.dirname, '../../..');
const HOUR = 3_600_000;
const FROM = Date.UTC(2025, 0, 1);
const UNTIL = Date.UTC(2028, 0, 1);
/** Daylight saving (both hemispheres), a 30-minute shift, quarter-hour offsets, and none at all. */
const ZONES = [
  'America/New_York',
  'Europe/London',
  'America/Santiago',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Asia/Kathmandu',
  'Asia/Seoul',
  'UTC',
];
const tables = new Map<string, ZoneOffsets>(ZONES.map((zone) => [zone, zoneOffsets(zone, FROM, UNTIL)]));

const intlDay = (zone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
const intlClock = (zone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** Instants at and around each change of offset, and every 7 hours 13 minutes across the span. */
function probes(table: ZoneOffsets): number[] {
  const around = table.transitions.flatMap(([since]) =>
    [-HOUR, -60_001, -1000, -1, 0, 1, 999, 1000, 60_000, HOUR].map((delta) => since + delta),
  );
  const spread: number[] = [];
  for (let at = table.from; at < table.until; at += 7 * HOUR + 13 * 60_000) spread.push(at);
  return [...around, ...spread].filter((at) => at >= table.from && at < table.until);
}

describe('zone offsets computed from Intl', () => {
  it.each(ZONES)(
    '%s: the table gives Intl’s offset at every probe, and each change at its second',
    (zone) => {
      const table = tables.get(zone) as ZoneOffsets;
      const format = offsetFormat(zone);
      for (const at of probes(table))
        expect([zone, at, offsetAt(table, at)]).toEqual([zone, at, intlOffset(format, at)]);
      // Every listed change is real: the second before it had another offset.
      for (const [since, offset] of table.transitions.slice(1)) {
        expect(intlOffset(format, since)).toBe(offset);
        expect(intlOffset(format, since - 1000)).not.toBe(offset);
      }
    },
  );

  it('finds the changes daylight saving time makes (New York: two a year; Seoul: none)', () => {
    expect(
      tables.get('America/New_York')?.transitions.map(([since]) => new Date(since).toISOString()),
    ).toEqual([
      '2025-01-01T00:00:00.000Z',
      '2025-03-09T07:00:00.000Z',
      '2025-11-02T06:00:00.000Z',
      '2026-03-08T07:00:00.000Z',
      '2026-11-01T06:00:00.000Z',
      '2027-03-14T07:00:00.000Z',
      '2027-11-07T06:00:00.000Z',
    ]);
    expect(tables.get('Asia/Seoul')?.transitions).toEqual([[FROM, 9 * HOUR]]);
    expect(tables.get('Australia/Lord_Howe')?.transitions.map(([, offset]) => offset / 60_000)).toContain(
      630,
    );
  });

  it('answers nothing outside its span', () => {
    const table = tables.get('Asia/Seoul') as ZoneOffsets;
    expect(offsetAt(table, FROM - 1)).toBeUndefined();
    expect(offsetAt(table, UNTIL)).toBeUndefined();
    expect(offsetAt(table, Number.NaN)).toBeUndefined();
    expect(offsetAt(table, UNTIL - 1)).toBe(9 * HOUR);
  });
});

describe('dayIn and clockIn with built offsets', () => {
  it.each(ZONES)('%s: write what Intl writes, at every probe', (zone) => {
    const table = tables.get(zone) as ZoneOffsets;
    const day = dayIn(zone, [table]);
    const clock = clockIn(zone, [table]);
    const [intlD, intlC] = [intlDay(zone), intlClock(zone)];
    for (const at of probes(table)) {
      const time = new Date(at);
      expect([zone, time.toISOString(), day(time), clock(time)]).toEqual([
        zone,
        time.toISOString(),
        intlD.format(time),
        intlC.format(time),
      ]);
    }
  });

  it('ask Intl outside the span and for a zone without a table, with the same answer', () => {
    const seoul = [tables.get('Asia/Seoul') as ZoneOffsets];
    const before = new Date(FROM - 1);
    const after = new Date(Date.UTC(2031, 5, 1, 23, 30));
    expect(dayIn('Asia/Seoul', seoul)(before)).toBe('2025-01-01');
    expect(clockIn('Asia/Seoul', seoul)(before)).toBe('08:59');
    expect(dayIn('Asia/Seoul', seoul)(after)).toBe('2031-06-02');
    expect(dayIn('America/New_York', seoul)(after)).toBe('2031-06-01');
    expect(clockIn('America/New_York', seoul)(after)).toBe('19:30');
    expect(() => dayIn('Asia/Seoul', seoul)(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('whenIn gives the time alone on the same local day, the day and time otherwise (New York, across DST)', () => {
    const table = [tables.get('America/New_York') as ZoneOffsets];
    const today = new Date('2026-03-08T16:00:00Z'); // noon EDT, the day clocks went forward
    const when = whenIn('America/New_York', today);
    expect(when(new Date('2026-03-08T06:59:00Z'))).toBe('01:59');
    expect(when(new Date('2026-03-08T07:00:00Z'))).toBe('03:00');
    expect(when(new Date('2026-03-08T04:59:00Z'))).toBe('2026-03-07 23:59');
    expect(dayIn('America/New_York', table)(new Date('2026-03-08T04:59:00Z'))).toBe('2026-03-07');
  });
});

describe('grouped', () => {
  it('writes numbers as toLocaleString("en-US") does', () => {
    const values = [
      0,
      -0,
      1,
      12,
      123,
      1234,
      12_345,
      123_456,
      1_234_567,
      -1_234_567,
      1e15,
      2 ** 53 - 1,
      2 ** 53,
      1e21,
      1234.5678,
      -0.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
    ];
    for (const value of values)
      expect([value, grouped(value)]).toEqual([value, value.toLocaleString('en-US')]);
  });
});

describe('a bundle of shared/audits/time.ts', () => {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  it('carries the offsets of the policy’s checks.timezone for the years around its build, and days read as Intl writes them', async () => {
    const { zoneOffsetsPlugin } = createRequire(import.meta.url)(
      '../../../tools/zone-offsets-plugin.cjs',
    ) as {
      readonly zoneOffsetsPlugin: Plugin;
    };
    const output = await build({
      absWorkingDir: REPO,
      entryPoints: ['shared/audits/time.ts', 'shared/audits/built-zones.ts'],
      bundle: true,
      splitting: true,
      platform: 'node',
      format: 'esm',
      outdir: 'out',
      write: false,
      plugins: [zoneOffsetsPlugin],
    });
    const dir = mkdtempSync(join(tmpdir(), 'netwarden-zones-'));
    made.push(dir);
    for (const file of output.outputFiles)
      writeFileSync(join(dir, file.path.slice(file.path.lastIndexOf('/') + 1)), file.text);
    const bundled = (await import(pathToFileURL(join(dir, 'time.js')).href)) as {
      dayIn: (zone: string, zones?: ReadonlyArray<ZoneOffsets>) => (time: Date) => string;
    };
    const { BUILT_ZONES } = (await import(pathToFileURL(join(dir, 'built-zones.js')).href)) as {
      BUILT_ZONES: ReadonlyArray<ZoneOffsets>;
    };
    // The shipped policy's checks.timezone is Asia/Seoul: its table, whole years around the build's.
    const year = new Date().getUTCFullYear();
    expect(BUILT_ZONES).toEqual([
      {
        zone: 'Asia/Seoul',
        from: Date.UTC(year - 5, 0, 1),
        until: Date.UTC(year + 16, 0, 1),
        transitions: [[Date.UTC(year - 5, 0, 1), 9 * HOUR]],
      },
    ]);
    const day = bundled.dayIn('Asia/Seoul');
    for (const at of [
      Date.UTC(year, 0, 1) - 9 * HOUR - 1,
      Date.UTC(year, 0, 1) - 9 * HOUR,
      Date.UTC(year + 3, 6, 4, 15),
    ])
      expect(day(new Date(at))).toBe(intlDay('Asia/Seoul').format(new Date(at)));
  });
});
