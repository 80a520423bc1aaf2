/**
 * CloudFormation's ListStackResources for netwarden's own stack. `osls invoke local` resolves each
 * `!Ref` in a function's environment (STATE_TABLE_NAME: !Ref StateTable, and the findings topic when
 * no --param names it) by asking the stack for the resource's physical id; pointed at the simulated
 * account's endpoint, it gets the simulated account's table and topic.
 */
import {
  CloudFormationClient,
  ListStackResourcesCommand,
  type ListStackResourcesCommandInput,
} from '@aws-sdk/client-cloudformation';
import type { SimulatedAccount } from './account';
import { awsError } from './errors';

export interface StackResource {
  readonly type: string;
  readonly physicalId: string;
}

/** Registers a deployed stack (`netwarden-dev`) and the resources it lists, by logical id. */
export function installStack(
  account: SimulatedAccount,
  stackName: string,
  resources: Readonly<Record<string, StackResource>>,
): void {
  account.handle(CloudFormationClient, ListStackResourcesCommand, (input: ListStackResourcesCommandInput) => {
    if (input.StackName !== stackName)
      throw awsError('ValidationError', `Stack with id ${input.StackName} does not exist`, 400);
    return {
      StackResourceSummaries: Object.entries(resources).map(([logicalId, resource]) => ({
        LogicalResourceId: logicalId,
        PhysicalResourceId: resource.physicalId,
        ResourceType: resource.type,
        LastUpdatedTimestamp: account.clock.now(),
        ResourceStatus: 'CREATE_COMPLETE',
      })),
    };
  });
}
