/**
 * The security-group path from a load balancer to a target on a port, with the one Rule model:
 * health checks come from the load balancer's nodes, so the instance's groups must allow the port
 * from the load balancer's security group (or from CIDRs covering every load balancer subnet), and
 * a load balancer with security groups must allow it outbound to the instance. Also: which ports
 * the path does allow — the best evidence of the port the application really serves.
 */

import type { InstanceFacts } from '../estate/instances';
import type { LoadBalancerFacts } from '../estate/load-balancing';
import { covers, hasPorts, type Peer, type Rule } from '../rules/rule';

export interface PathCheck {
  readonly ingressOpen: boolean;
  /** undefined when the load balancer has no security groups (nothing to check outbound). */
  readonly egressOpen: boolean | undefined;
  /** What is missing, in words a person can act on. */
  readonly missing: string[];
}

const probeRule = (groupId: string, direction: 'ingress' | 'egress', port: number, peer: Peer): Rule => ({
  groupId,
  direction,
  protocol: 'tcp',
  fromPort: port,
  toPort: port,
  peer,
  tags: {},
});

const allowedBy = (rules: ReadonlyArray<Rule>, wanted: Rule) => rules.some((rule) => covers(rule, wanted));

/** Load balancer sources a rule of `groupId` may name: its security groups, or every subnet CIDR. */
function ingressFromLoadBalancer(
  rules: ReadonlyArray<Rule>,
  groupId: string,
  lb: LoadBalancerFacts,
  port: number,
): boolean {
  const viaGroup = lb.securityGroupIds.some((sg) =>
    allowedBy(rules, probeRule(groupId, 'ingress', port, { type: 'security-group', groupId: sg })),
  );
  const cidrs = lb.subnets.flatMap((subnet) => (subnet.cidr ? [subnet.cidr] : []));
  const viaSubnets =
    cidrs.length > 0 &&
    cidrs.every((cidr) => allowedBy(rules, probeRule(groupId, 'ingress', port, { type: 'ipv4', cidr })));
  return viaGroup || viaSubnets;
}

export function checkPath(
  rules: ReadonlyArray<Rule>,
  lb: LoadBalancerFacts,
  instance: InstanceFacts,
  port: number,
): PathCheck {
  const missing: string[] = [];
  const ingressOpen = instance.securityGroupIds.some((groupId) =>
    ingressFromLoadBalancer(rules, groupId, lb, port),
  );
  const lbSource = lb.securityGroupIds[0] ?? lb.subnets.map((subnet) => subnet.cidr).join(', ');
  if (!ingressOpen)
    missing.push(
      `${instance.securityGroupIds.join(', ')} does not allow tcp ${port} from ${lb.name} (${lbSource})`,
    );
  let egressOpen: boolean | undefined;
  if (lb.securityGroupIds.length > 0) {
    egressOpen = lb.securityGroupIds.some(
      (sg) =>
        instance.securityGroupIds.some((target) =>
          allowedBy(rules, probeRule(sg, 'egress', port, { type: 'security-group', groupId: target })),
        ) ||
        (instance.privateIp !== undefined &&
          allowedBy(
            rules,
            probeRule(sg, 'egress', port, { type: 'ipv4', cidr: `${instance.privateIp}/32` }),
          )),
    );
    if (!egressOpen)
      missing.push(
        `${lb.securityGroupIds.join(', ')} does not allow tcp ${port} out to ${instance.securityGroupIds.join(', ')}`,
      );
  }
  return { ingressOpen, egressOpen, missing };
}

export const pathOpen = (check: PathCheck) => check.ingressOpen && check.egressOpen !== false;

/**
 * Single tcp ports the instance's groups accept from the load balancer (ranges wider than one port
 * say nothing about which port the application uses, so they are left out).
 */
export function portsOpenFromLoadBalancer(
  rules: ReadonlyArray<Rule>,
  lb: LoadBalancerFacts,
  instance: InstanceFacts,
): number[] {
  const candidates = new Set<number>();
  for (const rule of rules) {
    if (rule.direction !== 'ingress' || !instance.securityGroupIds.includes(rule.groupId)) continue;
    if (!hasPorts(rule.protocol) || rule.protocol !== 'tcp' || rule.fromPort !== rule.toPort) continue;
    if (pathOpen(checkPath(rules, lb, instance, rule.fromPort))) candidates.add(rule.fromPort);
  }
  return [...candidates].sort((a, b) => a - b);
}
