/** IpPermission shorthand for the estate, the demo and the tests: one TCP port or range, one peer. */
import type { IpPermission } from '@aws-sdk/client-ec2';

/** A peer: one CIDR as a string, several CIDRs, or a security group. */
export type Peer = string | { readonly cidrs?: readonly string[]; readonly group?: string };

export function tcp(
  port: number | readonly [number, number],
  peer: Peer,
  description?: string,
): IpPermission {
  const [from, to] = typeof port === 'number' ? [port, port] : port;
  const { cidrs, group } = typeof peer === 'string' ? { cidrs: [peer], group: undefined } : peer;
  const described = description === undefined ? {} : { Description: description };
  return {
    IpProtocol: 'tcp',
    FromPort: from,
    ToPort: to,
    ...(cidrs ? { IpRanges: cidrs.map((cidr) => ({ CidrIp: cidr, ...described })) } : {}),
    ...(group ? { UserIdGroupPairs: [{ GroupId: group, ...described }] } : {}),
  };
}
