/**
 * Why an input did not parse, in words that name the field and the value:
 * `event.detail.eventName: expected one of …, found "X"`. Every refused event, unreadable message and
 * invalid policy is described this way, so on-call reads one form wherever the reason surfaces.
 */
import type * as z from 'zod';

/** A problem found beside a schema (a cross-field check), in the same form as the schema's own issues. */
export interface FieldIssue {
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function formatPath(root: string, path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`),
    root,
  );
}

function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * One line per issue. `root` names the input in each path (`policy.grants.maxTtl`,
 * `requestParameters.groupId`, `body.Message.severity`).
 */
export function formatIssues(
  issues: ReadonlyArray<z.core.$ZodIssue | FieldIssue>,
  input: unknown,
  root = 'policy',
): string {
  return issues
    .map((issue) => {
      if ('code' in issue && issue.code === 'unrecognized_keys') {
        return `${formatPath(root, issue.path)}: expected only known keys, found unknown key(s) ${issue.keys.join(', ')}`;
      }
      const found = describeFound(valueAt(input, issue.path));
      return `${formatPath(root, issue.path)}: ${issue.message.replace(/^Invalid input: /, '')}, found ${found}`;
    })
    .join('\n');
}
