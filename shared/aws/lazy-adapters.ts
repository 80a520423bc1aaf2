/**
 * The adapters handlers use, one loader per part of the estate, each loaded on first use (see
 * lazy.ts): the adapter module and its SDK client are separate esbuild chunks, so a cold start does
 * not parse a client until an event needs it. Each loader imports its service's own client module
 * (clients/<service>.ts), never the clients.ts barrel: a dynamic import keeps every export of its
 * target, so the barrel would load every client. Handlers import adapters only from here,
 * from lazy-audit-adapters.ts (the audits' own) and from lazy-secrets.ts (notify-slack's webhook,
 * apart so that its bundle carries the SSM client only).
 */

import type { Instances } from '../estate/instances';
import type { LoadBalancing } from '../estate/load-balancing';
import type { RuleTagger, SecurityGroups } from '../estate/security-groups';
import type { TerraformStateObjects } from '../estate/terraform-state';
import type { EventLedger } from '../findings/event-ledger';
import type { Publish } from '../findings/finding';
import type { RepeatGate } from '../findings/repeats';
import type { GrantRequestStore } from '../grants/approval';
import type { GrantStore } from '../grants/record';
import type { MemberAccess } from '../policy/organization';
import type { BudgetCounter } from '../safety/budget';
import type { Journal } from '../safety/journal';
import type { ReadParameter } from '../safety/kill-switch';
import { lazyAdapter, lazyFunction } from './lazy';

/** `access`: a member account of an organisation, reached through its member role (member-credentials.ts). */
export const lazySecurityGroups = (access?: MemberAccess) =>
  lazyAdapter<SecurityGroups>(async () => {
    const [{ ec2SecurityGroups }, { ec2Client, ec2ClientAs }] = await Promise.all([
      import('./ec2/security-groups'),
      import('./clients/ec2'),
    ]);
    return ec2SecurityGroups(access ? ec2ClientAs(access) : ec2Client());
  });

/** `access`: a member account's rules, tagged through its member role. */
export const lazyRuleTagger = (access?: MemberAccess) =>
  lazyAdapter<RuleTagger>(async () => {
    const [{ ruleTagger }, { ec2Client, ec2ClientAs }] = await Promise.all([
      import('./ec2/tags'),
      import('./clients/ec2'),
    ]);
    return ruleTagger(access ? ec2ClientAs(access) : ec2Client());
  });

export const lazyInstances = (access?: MemberAccess) =>
  lazyAdapter<Instances>(async () => {
    const [{ ec2Instances }, { ec2Client, ec2ClientAs }] = await Promise.all([
      import('./ec2/instances'),
      import('./clients/ec2'),
    ]);
    return ec2Instances(access ? ec2ClientAs(access) : ec2Client());
  });

export const lazyLoadBalancing = (options: { bulk?: boolean; access?: MemberAccess | undefined } = {}) =>
  lazyAdapter<LoadBalancing>(async () => {
    const [{ elbv2LoadBalancing }, clients] = await Promise.all([
      import('./elbv2'),
      import('./clients/elbv2'),
    ]);
    if (options.access) return elbv2LoadBalancing(clients.elbv2ClientAs(options.access, options));
    return elbv2LoadBalancing(options.bulk ? clients.elbv2BulkClient() : clients.elbv2Client());
  });

export const lazyPublisher = (topicArn: string): Publish =>
  lazyFunction(async () => {
    const [{ snsPublisher }, { snsClient }] = await Promise.all([import('./sns'), import('./clients/sns')]);
    return snsPublisher(snsClient(), topicArn);
  });

/**
 * Reads a plain String parameter (the kill switch): its value, or undefined when it does not exist.
 * One signed call without the SDK's SSM client (secure-string.ts), as the functions' secrets are read.
 */
export const lazyStringParameter = (): ReadParameter =>
  lazyFunction(async () => (await import('./secure-string')).stringParameterOverHttp);

/** Reads Terraform state objects from S3 (the bucket may be in another region). */
export const lazyTerraformStateObjects = () =>
  lazyAdapter<TerraformStateObjects>(async () => {
    const [{ s3TerraformStateObjects }, { s3Client }] = await Promise.all([
      import('./s3'),
      import('./clients/s3'),
    ]);
    return s3TerraformStateObjects(s3Client);
  });

/** netwarden's state table: the grant records only netwarden's roles can write. */
export const lazyGrantStore = (tableName: string) =>
  lazyAdapter<GrantStore>(async () => {
    const [{ grantStore }, { dynamoDbClient }] = await Promise.all([
      import('./state-table/grants'),
      import('./clients/dynamodb'),
    ]);
    return grantStore(dynamoDbClient(), tableName);
  });

/** The event ledger in the state table (exactly-once findings per event and function). */
export const lazyEventLedger = (tableName: string, owner: string) =>
  lazyAdapter<EventLedger>(async () => {
    const [{ eventLedger }, { dynamoDbClient }] = await Promise.all([
      import('./state-table/event-ledger'),
      import('./clients/dynamodb'),
    ]);
    return eventLedger(dynamoDbClient(), tableName, owner);
  });

/** The blast-radius budget's count in the state table: one conditional write per charge (shared/safety/budget.ts). */
export const lazyBudgetCounter = (tableName: string) =>
  lazyAdapter<BudgetCounter>(async () => {
    const [{ stateTableBudget }, { dynamoDbClient }] = await Promise.all([
      import('./state-table/budget'),
      import('./clients/dynamodb'),
    ]);
    return stateTableBudget(dynamoDbClient(), tableName);
  });

/** Repeat suppression in the state table: survives cold starts (shared/findings/repeats.ts). */
export const lazyRepeatGate = (tableName: string, owner: string, repeatAfterMs: number) =>
  lazyAdapter<RepeatGate>(async () => {
    const [{ stateTableRepeats }, { dynamoDbClient }] = await Promise.all([
      import('./state-table/repeat-store'),
      import('./clients/dynamodb'),
    ]);
    return stateTableRepeats(dynamoDbClient(), tableName, owner, repeatAfterMs);
  });

/** The journal in the state table: every write netwarden makes, with its inverse (shared/safety/journal.ts). */
export const lazyJournal = (tableName: string) =>
  lazyAdapter<Journal>(async () => {
    const [{ stateTableJournal }, { dynamoDbClient }] = await Promise.all([
      import('./state-table/journal'),
      import('./clients/dynamodb'),
    ]);
    return stateTableJournal(dynamoDbClient(), tableName);
  });

/** Grant requests asked for in Slack (grant-request#…), loaded on first use. */
export const lazyGrantRequests = (tableName: string, now: () => Date) =>
  lazyAdapter<GrantRequestStore>(async () => {
    const [{ grantRequestStore }, { dynamoDbClient }] = await Promise.all([
      import('./state-table/grant-requests'),
      import('./clients/dynamodb'),
    ]);
    return grantRequestStore(dynamoDbClient(), tableName, now);
  });
