/**
 * EC2 instance reads and effects for heal-targets. Instances are described by an `instance-id`
 * filter (ids that no longer exist are simply absent, where InstanceIds would fail the whole call),
 * then their status checks with IncludeAllInstances so stopped instances are reported too.
 */
import {
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeSubnetsCommand,
  type EC2Client,
  type InstanceStatusSummary,
  paginateDescribeInstanceStatus,
  paginateDescribeInstances,
  RebootInstancesCommand,
  StartInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { InstanceFacts, Instances, StatusCheck } from '../../estate/instances';
import { tagsFromList } from '../../rules/normalise';

const PAGE = { pageSize: 1000 } as const;

const statusOf = (summary: InstanceStatusSummary | undefined): StatusCheck =>
  (summary?.Status as StatusCheck | undefined) ?? 'insufficient-data';

export function ec2Instances(client: EC2Client): Instances {
  return {
    async describeInstances(ids) {
      if (ids.length === 0) return [];
      const found = new Map<string, Omit<InstanceFacts, 'instanceStatus' | 'systemStatus'>>();
      const filter = { Filters: [{ Name: 'instance-id', Values: [...ids] }] };
      for await (const page of paginateDescribeInstances({ client, ...PAGE }, filter)) {
        for (const instance of (page.Reservations ?? []).flatMap(
          (reservation) => reservation.Instances ?? [],
        )) {
          if (!instance.InstanceId) continue;
          found.set(instance.InstanceId, {
            instanceId: instance.InstanceId,
            state: instance.State?.Name ?? 'unknown',
            ...(instance.Placement?.AvailabilityZone
              ? { availabilityZone: instance.Placement.AvailabilityZone }
              : {}),
            ...(instance.PrivateIpAddress ? { privateIp: instance.PrivateIpAddress } : {}),
            ...(instance.LaunchTime ? { launchedAt: new Date(instance.LaunchTime) } : {}),
            securityGroupIds: (instance.SecurityGroups ?? []).flatMap((group) =>
              group.GroupId ? [group.GroupId] : [],
            ),
            tags: tagsFromList(instance.Tags ?? []),
          });
        }
      }
      if (found.size === 0) return [];
      const statuses = new Map<string, { instance: StatusCheck; system: StatusCheck }>();
      const input = { InstanceIds: [...found.keys()], IncludeAllInstances: true };
      for await (const page of paginateDescribeInstanceStatus({ client }, input)) {
        for (const status of page.InstanceStatuses ?? []) {
          statuses.set(status.InstanceId ?? '', {
            instance: statusOf(status.InstanceStatus),
            system: statusOf(status.SystemStatus),
          });
        }
      }
      return [...found.values()].map((instance) => ({
        ...instance,
        instanceStatus: statuses.get(instance.instanceId)?.instance ?? 'insufficient-data',
        systemStatus: statuses.get(instance.instanceId)?.system ?? 'insufficient-data',
      }));
    },

    async subnetCidrs(ids) {
      if (ids.length === 0) return {};
      const output = await client.send(new DescribeSubnetsCommand({ SubnetIds: [...ids] }));
      return Object.fromEntries(
        (output.Subnets ?? []).flatMap((subnet) =>
          subnet.SubnetId && subnet.CidrBlock ? [[subnet.SubnetId, subnet.CidrBlock]] : [],
        ),
      );
    },

    async startInstance(id) {
      const output = await client.send(new StartInstancesCommand({ InstanceIds: [id] }));
      const change = output.StartingInstances?.[0];
      return {
        previous: change?.PreviousState?.Name ?? 'unknown',
        current: change?.CurrentState?.Name ?? 'unknown',
      };
    },

    async rebootInstance(id) {
      await client.send(new RebootInstancesCommand({ InstanceIds: [id] }));
    },

    async tagInstance(id, tags) {
      await client.send(
        new CreateTagsCommand({
          Resources: [id],
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
    },

    async untagInstance(id, keys) {
      await client.send(new DeleteTagsCommand({ Resources: [id], Tags: keys.map((Key) => ({ Key })) }));
    },
  };
}
