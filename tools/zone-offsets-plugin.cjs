// esbuild plugin (registered in tools/esbuild-plugins.cjs): in place of shared/audits/built-zones.ts,
// the UTC offsets of the policy's checks.timezone over a span of years around the build, so that the
// daily and weekly digests name days and times without loading ICU's time-zone data at cold start
// (shared/audits/zone-offsets.ts says why and what happens outside the span).
const { join } = require('node:path');
const { validatedPolicy } = require('./embed-policy-plugin.cjs');

/** Years before and after the build's year that the table covers; past them the digests ask Intl. */
const YEARS_BEFORE = 5;
const YEARS_AFTER = 15;

/** One table per zone and span for the whole `osls package` (every function's build asks for it). */
const computed = new Map();

/** The span for a build in `year`: whole UTC years, so a bundle built on any day of a year is the same. */
function spanOf(year) {
  return { from: Date.UTC(year - YEARS_BEFORE, 0, 1), until: Date.UTC(year + YEARS_AFTER + 1, 0, 1) };
}

function zoneTable(zone, span) {
  const key = `${zone} ${span.from} ${span.until}`;
  if (!computed.has(key)) {
    const tsx = require('tsx/cjs/api');
    const { zoneOffsets } = tsx.require('../shared/audits/zone-offsets.ts', __filename);
    computed.set(key, zoneOffsets(zone, span.from, span.until));
  }
  return computed.get(key);
}

/** The module's source: the tables as literals. */
function builtZonesSource(tables) {
  return [
    "// The policy's checks.timezone, its UTC offsets computed when this bundle was built",
    '// (tools/zone-offsets-plugin.cjs): the digests need no ICU time-zone data at cold start.',
    "import type { ZoneOffsets } from './zone-offsets';",
    `export const BUILT_ZONES: ReadonlyArray<ZoneOffsets> = ${JSON.stringify(tables)};`,
  ].join('\n');
}

const zoneOffsetsPlugin = {
  name: 'netwarden-zone-offsets',
  setup(build) {
    build.onLoad({ filter: /shared[\\/]audits[\\/]built-zones\.ts$/ }, () => {
      const path = join(process.cwd(), 'netwarden.policy.yml');
      try {
        // The policy as the functions' validator returns it (defaults applied: Asia/Seoul without a zone).
        const policy = validatedPolicy(path);
        const tables = [zoneTable(policy.checks.timezone, spanOf(new Date().getUTCFullYear()))];
        return { loader: 'ts', contents: builtZonesSource(tables), watchFiles: [path] };
      } catch (error) {
        return {
          errors: [{ text: error instanceof Error ? error.message : String(error) }],
          watchFiles: [path],
        };
      }
    });
  },
};

module.exports = { zoneOffsetsPlugin, zoneTable, spanOf, builtZonesSource };
