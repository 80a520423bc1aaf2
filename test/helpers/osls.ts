/**
 * How the tests start osls: its own entry point (the file `npx osls` ends up running,
 * node_modules/.bin/osls) with this node. Going through npx first cost about a second of CPU per
 * run, on a suite that starts osls nine times; osls itself, its plugins and the package it builds
 * are the same.
 */
import { join, resolve } from 'node:path';

export const OSLS_ENTRY = join(
  resolve(import.meta.dirname, '../..'),
  'node_modules',
  'osls',
  'bin',
  'serverless.js',
);
