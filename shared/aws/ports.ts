/**
 * The ports handlers use, each loaded on first use (see lazy.ts): the adapter module and its SDK
 * client are separate esbuild chunks, so a cold start does not parse a client until an event
 * needs it. Handlers import from here, never from the adapters directly.
 */

import type { StateReads } from '../checks/ports';
import type { EventLedger } from '../findings/event-ledger';
import type { Publish } from '../findings/finding';
import type { RepeatGate } from '../findings/repeats';
import type { GrantStore } from '../grants/record';
import type { SecurityGroupPort } from './ec2';
import type { InstancePort } from './ec2-instances';
import type { RuleTagger } from './ec2-tags';
import type { Elbv2Port } from './elbv2';
import { lazyFunction, lazyPort } from './lazy';

export const lazySecurityGroupPort = (options: { bulk?: boolean } = {}) =>
  lazyPort<SecurityGroupPort>(async () => {
    const [{ securityGroupPort }, clients] = await Promise.all([import('./ec2'), import('./clients/ec2')]);
    return securityGroupPort(options.bulk ? clients.ec2BulkClient() : clients.ec2Client());
  });

export const lazyRuleTagger = () =>
  lazyPort<RuleTagger>(async () => {
    const [{ ruleTagger }, { ec2Client }] = await Promise.all([
      import('./ec2-tags'),
      import('./clients/ec2'),
    ]);
    return ruleTagger(ec2Client());
  });

export const lazyInstancePort = () =>
  lazyPort<InstancePort>(async () => {
    const [{ instancePort }, { ec2Client }] = await Promise.all([
      import('./ec2-instances'),
      import('./clients/ec2'),
    ]);
    return instancePort(ec2Client());
  });

export const lazyElbv2Port = () =>
  lazyPort<Elbv2Port>(async () => {
    const [{ elbv2Port }, { elbv2Client }] = await Promise.all([
      import('./elbv2'),
      import('./clients/elbv2'),
    ]);
    return elbv2Port(elbv2Client());
  });

export const lazyPublisher = (topicArn: string): Publish =>
  lazyFunction(async () => {
    const [{ snsPublisher }, { snsClient }] = await Promise.all([import('./sns'), import('./clients/sns')]);
    return snsPublisher(snsClient(), topicArn);
  });

/** Reads Terraform state objects from S3 (the bucket may be in another region). */
export const lazyStateReads = () =>
  lazyPort<StateReads>(async () => {
    const [{ terraformStateReads }, { s3Client }] = await Promise.all([
      import('./terraform-state'),
      import('./clients/s3'),
    ]);
    return terraformStateReads(s3Client);
  });

/** netwarden's state table: the grant records only netwarden's roles can write. */
export const lazyGrantStore = (tableName: string) =>
  lazyPort<GrantStore>(async () => {
    const [{ grantStore }, { dynamoDbClient }] = await Promise.all([
      import('./state-table'),
      import('./clients/dynamodb'),
    ]);
    return grantStore(dynamoDbClient(), tableName);
  });

/** The event ledger in the state table (exactly-once findings per event and function). */
export const lazyEventLedger = (tableName: string, owner: string) =>
  lazyPort<EventLedger>(async () => {
    const [{ eventLedger }, { dynamoDbClient }] = await Promise.all([
      import('./event-ledger'),
      import('./clients/dynamodb'),
    ]);
    return eventLedger(dynamoDbClient(), tableName, owner);
  });

/** Repeat suppression in the state table: survives cold starts (shared/findings/repeats.ts). */
export const lazyRepeatGate = (tableName: string, owner: string, repeatAfterMs: number) =>
  lazyPort<RepeatGate>(async () => {
    const [{ stateTableRepeats }, { dynamoDbClient }] = await Promise.all([
      import('./repeat-store'),
      import('./clients/dynamodb'),
    ]);
    return stateTableRepeats(dynamoDbClient(), tableName, owner, repeatAfterMs);
  });
