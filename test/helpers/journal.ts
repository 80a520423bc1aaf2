/**
 * Journal entries written the way the write gate records them (shared/safety/journal.ts): the exact
 * call made and the call that reverses it. Until the gate records real ones, tests record these.
 */
import type { AwsCall, JournalEntry } from '../../shared/safety/journal';

let serial = 0;

export const ACCOUNT = '111122223333';
export const REGION = 'ap-northeast-2';

/** An entry id as the gate makes them: `<ISO time>#<random>` (here a counter, so tests are stable). */
export function entryId(at: string): string {
  serial += 1;
  return `${at}#${serial.toString(16).padStart(8, '0')}`;
}

/** The IpPermissions that re-create one rule, as the gate writes a revoke's inverse. */
export function permission(rule: {
  protocol?: string;
  port: number;
  toPort?: number;
  cidr?: string;
  sourceGroup?: string;
  description?: string;
}): Record<string, unknown> {
  const description = rule.description ? { Description: rule.description } : {};
  return {
    IpProtocol: rule.protocol ?? 'tcp',
    FromPort: rule.port,
    ToPort: rule.toPort ?? rule.port,
    ...(rule.cidr ? { IpRanges: [{ CidrIp: rule.cidr, ...description }] } : {}),
    ...(rule.sourceGroup ? { UserIdGroupPairs: [{ GroupId: rule.sourceGroup, ...description }] } : {}),
  };
}

/** revert-sg-drift revoked `ruleId` from `groupId`; its inverse authorises the same rule again. */
export function revokeEntry(options: {
  at: string;
  eventId: string;
  groupId: string;
  ruleId: string;
  rule: Parameters<typeof permission>[0];
  direction?: 'ingress' | 'egress';
  cause?: string;
}): JournalEntry {
  const egress = options.direction === 'egress';
  const call: AwsCall = {
    service: 'ec2',
    operation: egress ? 'RevokeSecurityGroupEgress' : 'RevokeSecurityGroupIngress',
    input: { GroupId: options.groupId, SecurityGroupRuleIds: [options.ruleId] },
  };
  const inverse: AwsCall = {
    service: 'ec2',
    operation: egress ? 'AuthorizeSecurityGroupEgress' : 'AuthorizeSecurityGroupIngress',
    input: { GroupId: options.groupId, IpPermissions: [permission(options.rule)] },
  };
  return {
    id: entryId(options.at),
    at: options.at,
    account: ACCOUNT,
    region: REGION,
    function: 'revert-sg-drift',
    action: 'revoke',
    resource: options.groupId,
    cause: options.cause ?? 'arn:aws:sts::111122223333:assumed-role/deploy-ci/run-42',
    eventId: options.eventId,
    finding: { kind: 'sg.drift', title: `Drift on ${options.groupId}: ${options.ruleId} revoked` },
    call,
    inverse,
  };
}

/** revert-sg-drift restored an approved rule (created as `ruleId`); its inverse revokes it by id. */
export function restoreEntry(options: {
  at: string;
  eventId: string;
  groupId: string;
  ruleId: string;
  rule: Parameters<typeof permission>[0];
}): JournalEntry {
  return {
    id: entryId(options.at),
    at: options.at,
    account: ACCOUNT,
    region: REGION,
    function: 'revert-sg-drift',
    action: 'restore',
    resource: options.groupId,
    cause: 'arn:aws:sts::111122223333:assumed-role/deploy-ci/run-42',
    eventId: options.eventId,
    finding: { kind: 'sg.baseline-restored', title: `Approved rule restored on ${options.groupId}` },
    call: {
      service: 'ec2',
      operation: 'AuthorizeSecurityGroupIngress',
      input: { GroupId: options.groupId, IpPermissions: [permission(options.rule)] },
    },
    inverse: {
      service: 'ec2',
      operation: 'RevokeSecurityGroupIngress',
      input: { GroupId: options.groupId, SecurityGroupRuleIds: [options.ruleId] },
    },
  };
}

/** heal-targets rebooted an instance: there is no call that reverses a reboot. */
export function rebootEntry(options: {
  at: string;
  eventId: string;
  instanceId: string;
  targetGroupArn: string;
}): JournalEntry {
  return {
    id: entryId(options.at),
    at: options.at,
    account: ACCOUNT,
    region: REGION,
    function: 'heal-targets',
    action: 'reboot',
    resource: options.targetGroupArn,
    cause: 'alarm gateway-unhealthy-hosts',
    eventId: options.eventId,
    finding: { kind: 'targets.healing', title: `Rebooting ${options.instanceId}` },
    call: { service: 'ec2', operation: 'RebootInstances', input: { InstanceIds: [options.instanceId] } },
    inverse: { irreversible: 'a reboot cannot be undone' },
  };
}
