import { awsError } from './errors';

/** AWS-style pagination: an opaque NextToken, MaxResults within the API's bounds. */
export function page<T>(
  items: ReadonlyArray<T>,
  input: { MaxResults?: number; NextToken?: string },
  bounds: { min: number; max: number; default: number },
): { items: T[]; NextToken?: string } {
  const size = input.MaxResults ?? bounds.default;
  if (size < bounds.min || size > bounds.max) {
    throw awsError(
      'InvalidParameterValue',
      `MaxResults must be between ${bounds.min} and ${bounds.max}, found ${size}`,
    );
  }
  const start = input.NextToken ? Number(Buffer.from(input.NextToken, 'base64').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0 || start > items.length)
    throw awsError('InvalidNextToken', 'The NextToken is invalid');
  const end = start + size;
  return {
    items: items.slice(start, end),
    ...(end < items.length ? { NextToken: Buffer.from(String(end)).toString('base64') } : {}),
  };
}

/** Applies EC2 `Filters` to an item, given how to read each filter name from it. */
export function matchesFilters<T>(
  item: T,
  filters: ReadonlyArray<{ Name?: string; Values?: string[] }> | undefined,
  read: (item: T, name: string) => string | string[] | undefined,
): boolean {
  return (filters ?? []).every((filter) => {
    const actual = read(item, filter.Name ?? '');
    const values = filter.Values ?? [];
    const actuals = Array.isArray(actual) ? actual : actual === undefined ? [] : [actual];
    return actuals.some((value) => values.some((wanted) => globEquals(wanted, value)));
  });
}

function globEquals(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const regex = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${regex}$`).test(value);
}

export function tagFilterValue(
  tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined,
  name: string,
) {
  if (name === 'tag-key') return (tags ?? []).map((tag) => tag.Key ?? '');
  if (!name.startsWith('tag:')) return undefined;
  const key = name.slice(4);
  return (tags ?? []).find((tag) => tag.Key === key)?.Value;
}
