/**
 * EC2 reads for the audit: DescribeNetworkInterfaces (group-id filter, MaxResults 5–1000, NextToken)
 * and DescribeStaleSecurityGroups (VpcId required, MaxResults 5–255, NextToken).
 */
import {
  DescribeNetworkInterfacesCommand,
  type DescribeNetworkInterfacesCommandInput,
  DescribeStaleSecurityGroupsCommand,
  type DescribeStaleSecurityGroupsCommandInput,
  EC2Client,
  type StaleSecurityGroup,
} from '@aws-sdk/client-ec2';
import type { SimulatedAccount } from './account';
import type { NetworkInterface } from './audit-state';
import { awsError } from './errors';
import { matchesFilters, page } from './paging';

export interface NetworkState {
  interfaces: NetworkInterface[];
  /** What DescribeStaleSecurityGroups reports, per VPC. */
  stale: Map<string, StaleSecurityGroup[]>;
}

export function installNetwork(account: SimulatedAccount, state: NetworkState): void {
  account.handle(
    EC2Client,
    DescribeNetworkInterfacesCommand,
    (input: DescribeNetworkInterfacesCommandInput) => {
      const wanted = state.interfaces.filter((eni) =>
        matchesFilters(eni, input.Filters, (item, name) => (name === 'group-id' ? item.groups : undefined)),
      );
      const result = page(wanted, input, { min: 5, max: 1000, default: 1000 });
      return {
        NetworkInterfaces: result.items.map((eni) => ({
          NetworkInterfaceId: eni.id,
          Description: eni.description,
          Groups: eni.groups.map((GroupId) => ({ GroupId })),
          OwnerId: account.accountId,
          Status: 'in-use',
        })),
        ...(result.NextToken ? { NextToken: result.NextToken } : {}),
      };
    },
  );

  account.handle(
    EC2Client,
    DescribeStaleSecurityGroupsCommand,
    (input: DescribeStaleSecurityGroupsCommandInput) => {
      if (!input.VpcId) throw awsError('MissingParameter', 'The request must contain the parameter vpcId');
      const result = page(state.stale.get(input.VpcId) ?? [], input, { min: 5, max: 255, default: 255 });
      return {
        StaleSecurityGroupSet: result.items.map((group) => structuredClone(group)),
        ...(result.NextToken ? { NextToken: result.NextToken } : {}),
      };
    },
  );
}
