/**
 * EC2 instances and subnets in the simulated account, with what heal-targets depends on: instance
 * states (a started instance is `pending` until 30 s pass on the clock), instance and system status
 * checks (`impaired` until a reboot heals them, unless the fault survives reboots), what the gateway
 * application listens on (read by the ELBv2 health model), DescribeInstances / DescribeInstanceStatus
 * with AWS's pagination rules and errors, StartInstances, RebootInstances and tags via CreateTags.
 */
import {
  DescribeInstanceStatusCommand,
  type DescribeInstanceStatusCommandInput,
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
  DescribeSubnetsCommand,
  type DescribeSubnetsCommandInput,
  EC2Client,
  type InstanceStateName,
  RebootInstancesCommand,
  type RebootInstancesCommandInput,
  StartInstancesCommand,
  type StartInstancesCommandInput,
  type Subnet,
  type SummaryStatus,
  type Tag,
} from '@aws-sdk/client-ec2';
import type { SimulatedAccount } from './account';
import { awsError } from './errors';
import { matchesFilters, page, tagFilterValue } from './paging';

export type StatusCheck = 'ok' | 'impaired' | 'initializing';

export interface SimInstance {
  readonly instanceId: string;
  state: InstanceStateName;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly privateIpAddress: string;
  securityGroupIds: string[];
  readonly tags: Tag[];
  instanceStatus: StatusCheck;
  systemStatus: StatusCheck;
  /** False when the fault survives a reboot (e.g. a failing EBS volume): only a human can help. */
  rebootHeals: boolean;
  /** Ports the gateway application accepts connections on (the seed: 80 and 9995). */
  listensOn: number[];
  /** The application accepts no connections (hung) although the instance is up; a reboot clears it. */
  appHung: boolean;
  /** When the instance last came up (start or reboot), for the ELBv2 health model. */
  upSince: number;
  /** LaunchTime: when it was last started (a reboot keeps it); upSince when unset. */
  launchedAt?: number;
  /** When a `pending` instance becomes `running`. */
  pendingUntil?: number;
}

export interface InstanceState {
  readonly instances: Map<string, SimInstance>;
  readonly subnets: Map<string, Subnet>;
  /** Moves `pending` instances on once the clock has passed their boot time (other services call it too). */
  settle(): void;
}

const STATE_CODES: Record<string, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

/** How long StartInstances leaves an instance `pending`. */
export const PENDING_MS = 30_000;

export const stateOf = (name: InstanceStateName) => ({ Code: STATE_CODES[name] ?? 0, Name: name });

function summary(check: StatusCheck, running: boolean): { Status: SummaryStatus; Details: object[] } {
  if (!running) return { Status: 'not-applicable', Details: [] };
  const detail = { ok: 'passed', impaired: 'failed', initializing: 'initializing' }[check];
  return { Status: check, Details: [{ Name: 'reachability', Status: detail }] };
}

export function installInstances(account: SimulatedAccount): InstanceState {
  const instances = new Map<string, SimInstance>();
  const settle = () => {
    const now = account.clock.now().getTime();
    for (const instance of instances.values()) {
      if (instance.state === 'pending' && (instance.pendingUntil ?? 0) <= now) {
        instance.state = 'running';
        instance.upSince = instance.pendingUntil ?? now;
        instance.pendingUntil = undefined;
      }
    }
  };
  const state: InstanceState = { instances, subnets: new Map(), settle };

  const instanceOrThrow = (id: string): SimInstance => {
    if (!/^i-[0-9a-f]{8}([0-9a-f]{9})?$/.test(id))
      throw awsError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
    const instance = state.instances.get(id);
    if (!instance) throw awsError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    return instance;
  };

  /** AWS refuses MaxResults together with explicit instance ids. */
  const selectInstances = (input: { InstanceIds?: string[]; MaxResults?: number }): SimInstance[] => {
    const ids = input.InstanceIds ?? [];
    if (ids.length > 0 && input.MaxResults !== undefined)
      throw awsError(
        'InvalidParameterCombination',
        'The parameter instancesSet cannot be used with the parameter maxResults',
      );
    return ids.length > 0 ? ids.map(instanceOrThrow) : [...state.instances.values()];
  };

  account.handle(EC2Client, DescribeInstancesCommand, (input: DescribeInstancesCommandInput) => {
    settle();
    const instances = selectInstances(input).filter((instance) =>
      matchesFilters(instance, input.Filters, (item, name) => {
        if (name === 'instance-id') return item.instanceId;
        if (name === 'instance-state-name') return item.state;
        if (name === 'vpc-id') return item.vpcId;
        if (name === 'instance.group-id') return item.securityGroupIds;
        return tagFilterValue(item.tags, name);
      }),
    );
    const result = page(instances, input, { min: 5, max: 1000, default: 1000 });
    return {
      Reservations: result.items.map((instance) => ({
        ReservationId: `r-${instance.instanceId.slice(2)}`,
        OwnerId: account.accountId,
        Instances: [
          {
            InstanceId: instance.instanceId,
            InstanceType: 'm6i.large',
            State: stateOf(instance.state),
            SubnetId: instance.subnetId,
            VpcId: instance.vpcId,
            Placement: { AvailabilityZone: instance.availabilityZone },
            PrivateIpAddress: instance.privateIpAddress,
            LaunchTime: new Date(instance.launchedAt ?? instance.upSince),
            SecurityGroups: instance.securityGroupIds.map((GroupId) => ({ GroupId })),
            Tags: structuredClone(instance.tags),
          },
        ],
      })),
      ...(result.NextToken ? { NextToken: result.NextToken } : {}),
    };
  });

  account.handle(EC2Client, DescribeInstanceStatusCommand, (input: DescribeInstanceStatusCommandInput) => {
    settle();
    // Without IncludeAllInstances, AWS returns running instances only.
    const instances = selectInstances(input).filter(
      (instance) => input.IncludeAllInstances === true || instance.state === 'running',
    );
    const result = page(instances, input, { min: 5, max: 1000, default: 1000 });
    return {
      InstanceStatuses: result.items.map((instance) => {
        const running = instance.state === 'running';
        return {
          InstanceId: instance.instanceId,
          AvailabilityZone: instance.availabilityZone,
          InstanceState: stateOf(instance.state),
          InstanceStatus: summary(instance.instanceStatus, running),
          SystemStatus: summary(instance.systemStatus, running),
        };
      }),
      ...(result.NextToken ? { NextToken: result.NextToken } : {}),
    };
  });

  account.handle(EC2Client, StartInstancesCommand, (input: StartInstancesCommandInput) => {
    settle();
    const instances = (input.InstanceIds ?? []).map(instanceOrThrow);
    for (const instance of instances) {
      if (['terminated', 'shutting-down', 'stopping'].includes(instance.state))
        throw awsError(
          'IncorrectInstanceState',
          `The instance '${instance.instanceId}' is not in a state from which it can be started.`,
        );
    }
    const now = account.clock.now().getTime();
    return {
      StartingInstances: instances.map((instance) => {
        const previous = stateOf(instance.state);
        if (instance.state === 'stopped') {
          instance.state = 'pending';
          instance.pendingUntil = now + PENDING_MS;
          instance.launchedAt = now;
        }
        return {
          InstanceId: instance.instanceId,
          PreviousState: previous,
          CurrentState: stateOf(instance.state),
        };
      }),
    };
  });

  account.handle(EC2Client, RebootInstancesCommand, (input: RebootInstancesCommandInput) => {
    settle();
    const instances = (input.InstanceIds ?? []).map(instanceOrThrow);
    for (const instance of instances) {
      if (instance.state !== 'running')
        throw awsError(
          'IncorrectInstanceState',
          `The instance '${instance.instanceId}' is not in a state from which it can be rebooted.`,
        );
    }
    for (const instance of instances) {
      instance.upSince = account.clock.now().getTime();
      instance.appHung = false;
      if (instance.rebootHeals) {
        instance.instanceStatus = 'ok';
        instance.systemStatus = 'ok';
      }
    }
    return {};
  });

  account.handle(EC2Client, DescribeSubnetsCommand, (input: DescribeSubnetsCommandInput) => {
    const subnets = (input.SubnetIds ?? []).length
      ? (input.SubnetIds ?? []).map((id) => {
          const subnet = state.subnets.get(id);
          if (!subnet) throw awsError('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
          return subnet;
        })
      : [...state.subnets.values()];
    return { Subnets: subnets.map((subnet) => structuredClone(subnet)) };
  });

  account.taggables.set('i', (id) => state.instances.get(id)?.tags);
  return state;
}
