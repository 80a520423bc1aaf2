/**
 * Imported first by the CLI entry (cli/run.ts), before any module that creates the logger.
 *
 * The functions' JSON log lines are for CloudWatch; in the CLI (the demo, `check`, `--simulated`, which
 * run handlers in this process) they would interleave with what the command prints. Powertools reads the
 * level once, when shared/logger.ts is first imported, and returns to that level on every warm
 * invocation, so setting it later (as the commands used to) is undone after the first event.
 * POWERTOOLS_LOG_LEVEL set by the caller still wins.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
