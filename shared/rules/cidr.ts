/**
 * CIDR arithmetic for IPv4 and IPv6, on bigints so both families share one code path.
 * AWS canonicalises CIDRs (10.1.2.3/0 is stored as 0.0.0.0/0), so every comparison here works on
 * the canonical network, never on the string a caller sent.
 */
export interface Cidr {
  readonly family: 4 | 6;
  /** Network address with host bits cleared. */
  readonly network: bigint;
  readonly prefix: number;
}

const bitsOf = (family: 4 | 6): number => (family === 4 ? 32 : 128);

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(Number.parseInt(group, 16));
  }
  return value;
}

function maskOf(family: 4 | 6, prefix: number): bigint {
  const bits = BigInt(bitsOf(family));
  const all = (1n << bits) - 1n;
  return prefix === 0 ? 0n : (all << (bits - BigInt(prefix))) & all;
}

/** Parses `a.b.c.d/n` or an IPv6 `x::y/n`; a bare address is a host route. */
export function parseCidr(text: string): Cidr | undefined {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0) return undefined;
  const family: 4 | 6 = address.includes(':') ? 6 : 4;
  const value = family === 4 ? parseIpv4(address) : parseIpv6(address);
  if (value === undefined) return undefined;
  const prefix = prefixText === undefined ? bitsOf(family) : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? '0') || prefix > bitsOf(family)) return undefined;
  return { family, network: value & maskOf(family, prefix), prefix };
}

export function formatCidr(cidr: Cidr): string {
  if (cidr.family === 4) {
    const octets = [24n, 16n, 8n, 0n].map((shift) => String((cidr.network >> shift) & 255n));
    return `${octets.join('.')}/${cidr.prefix}`;
  }
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n)
    groups.push(((cidr.network >> shift) & 0xffffn).toString(16));
  // Compress the longest run of zero groups (RFC 5952) so output matches what AWS prints.
  let bestStart = -1;
  let bestLength = 0;
  for (let start = 0; start < groups.length; ) {
    if (groups[start] !== '0') {
      start += 1;
      continue;
    }
    let end = start;
    while (end < groups.length && groups[end] === '0') end += 1;
    if (end - start > bestLength && end - start > 1) {
      bestStart = start;
      bestLength = end - start;
    }
    start = end;
  }
  const text =
    bestStart < 0
      ? groups.join(':')
      : `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
  return `${text}/${cidr.prefix}`;
}

/** The canonical string AWS would store, or undefined when the text is not a CIDR. */
export function canonicalCidr(text: string): string | undefined {
  const cidr = parseCidr(text);
  return cidr && formatCidr(cidr);
}

/** True when every address of `inner` is inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || outer.prefix > inner.prefix) return false;
  return (inner.network & maskOf(outer.family, outer.prefix)) === outer.network;
}

/** True when the two ranges share at least one address. */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}
