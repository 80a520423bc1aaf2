/**
 * The seed's estate (docs/architecture.md#the-estate-the-seed): Zero Trust Gateway subnets → internal NLB (gateway-nlb-sg)
 * → gateway instance (gateway-instance-sg) → database groups for 3306 / 5432 / 27017-27019 / 6379.
 * The ids are fixed so that netwarden.policy.yml can name them.
 */
import type { IpPermission, SecurityGroupRule } from '@aws-sdk/client-ec2';
import type { SimulatedAccount } from './account';
import { tcp } from './permissions';
import type { SecurityGroupState } from './security-groups';

export const VPC_ID = 'vpc-0a1b2c3d4e5f60001';
export const ZTG_CIDRS = ['10.20.1.0/24', '10.20.2.0/24'] as const;
export const DB_SUBNETS = ['10.20.32.0/22', '10.20.36.0/22', '10.20.40.0/22'] as const;
/** A peered VPC whose MySQL the gateway reaches by CIDR (the seed's cross-VPC case). */
export const PEERED_VPC_CIDR = '10.30.0.0/16';

export const GROUPS = {
  nlb: 'sg-0c0ffee0000000001',
  gateway: 'sg-0c0ffee0000000002',
  postgres: 'sg-0db00000000005432',
  mysql: 'sg-0db00000000003306',
  docdb: 'sg-0db00000000027017',
  redis: 'sg-0db00000000006379',
  legacyApp: 'sg-0a9900000000000aa',
} as const;

interface GroupSpec {
  id: string;
  name: string;
  description: string;
  tags: Record<string, string>;
  ingress: IpPermission[];
  egress: IpPermission[];
}

const terraformTags = { ManagedBy: 'Terraform', Environment: 'production' };

export const ESTATE_GROUPS: GroupSpec[] = [
  {
    id: GROUPS.nlb,
    name: 'gateway-nlb-sg',
    description: 'Security group for Gateway NLB',
    tags: { ...terraformTags, Name: 'gateway-nlb-sg', 'netwarden:protect': 'true' },
    ingress: [
      tcp(443, { cidrs: ZTG_CIDRS }, 'HTTPS from Zero Trust Gateway'),
      tcp(9995, { cidrs: ZTG_CIDRS }, 'Custom API port from Zero Trust Gateway'),
    ],
    egress: [
      tcp(80, { group: GROUPS.gateway }, 'Forward to Gateway Instance'),
      tcp(9995, { group: GROUPS.gateway }, 'Forward API to Gateway Instance'),
    ],
  },
  {
    id: GROUPS.gateway,
    name: 'gateway-instance-sg',
    description: 'Security group for Gateway EC2 instance',
    tags: { ...terraformTags, Name: 'gateway-instance-sg', 'netwarden:protect': 'true' },
    ingress: [
      tcp(80, { group: GROUPS.nlb }, 'HTTP from NLB'),
      tcp(9995, { group: GROUPS.nlb }, 'API from NLB'),
      tcp(443, { cidrs: ZTG_CIDRS }, 'HTTPS from Zero Trust Gateway (direct)'),
    ],
    egress: [
      tcp(3306, { cidrs: [...DB_SUBNETS, PEERED_VPC_CIDR] }, 'MySQL access to RDS and EKS'),
      tcp(5432, { cidrs: DB_SUBNETS }, 'PostgreSQL access'),
      tcp([27017, 27019], { cidrs: DB_SUBNETS }, 'MongoDB/DocumentDB access'),
      tcp(6379, { cidrs: ['10.20.48.0/24', '10.20.49.0/24', '10.20.50.0/24'] }, 'Redis/ElastiCache access'),
      tcp(443, { cidrs: ['0.0.0.0/0'] }, 'HTTPS to external APIs'),
    ],
  },
  {
    id: GROUPS.postgres,
    name: 'rds-postgres-sg',
    description: 'RDS PostgreSQL',
    tags: {
      ...terraformTags,
      Name: 'rds-postgres-sg',
      'netwarden:protect': 'true',
      'netwarden:tier': 'database',
    },
    ingress: [tcp(5432, { group: GROUPS.gateway }, 'PostgreSQL from Gateway ONLY')],
    egress: [],
  },
  {
    id: GROUPS.mysql,
    name: 'rds-mysql-sg',
    description: 'RDS MySQL',
    tags: {
      ...terraformTags,
      Name: 'rds-mysql-sg',
      'netwarden:protect': 'true',
      'netwarden:tier': 'database',
    },
    ingress: [
      tcp(3306, { group: GROUPS.gateway }, 'MySQL from Gateway'),
      tcp(3306, { cidrs: ['10.20.0.0/16'] }, 'MySQL from the gateway VPC (cross-VPC path)'),
    ],
    egress: [],
  },
  {
    id: GROUPS.docdb,
    name: 'docdb-sg',
    description: 'DocumentDB',
    tags: { ...terraformTags, Name: 'docdb-sg', 'netwarden:protect': 'true', 'netwarden:tier': 'database' },
    ingress: [tcp([27017, 27019], { group: GROUPS.gateway }, 'MongoDB from Gateway')],
    egress: [],
  },
  {
    id: GROUPS.redis,
    name: 'elasticache-redis-sg',
    description: 'ElastiCache Redis',
    tags: {
      ...terraformTags,
      Name: 'elasticache-redis-sg',
      'netwarden:protect': 'true',
      'netwarden:tier': 'database',
    },
    ingress: [tcp(6379, { group: GROUPS.gateway }, 'Redis from Gateway')],
    egress: [],
  },
  {
    id: GROUPS.legacyApp,
    name: 'legacy-app-sg',
    description: 'Not managed by netwarden',
    tags: { Name: 'legacy-app-sg' },
    ingress: [tcp(8080, { cidrs: ['10.20.0.0/16'] }, 'App')],
    egress: [],
  },
];

function rulesOf(account: SimulatedAccount, group: GroupSpec): SecurityGroupRule[] {
  const expand = (permission: IpPermission, egress: boolean): SecurityGroupRule[] => {
    const base = {
      GroupId: group.id,
      GroupOwnerId: account.accountId,
      IsEgress: egress,
      IpProtocol: permission.IpProtocol,
      FromPort: permission.FromPort,
      ToPort: permission.ToPort,
      Tags: [],
    };
    return [
      ...(permission.IpRanges ?? []).map((range) => ({
        ...base,
        CidrIpv4: range.CidrIp,
        Description: range.Description,
      })),
      ...(permission.UserIdGroupPairs ?? []).map((pair) => ({
        ...base,
        ReferencedGroupInfo: { GroupId: pair.GroupId, UserId: account.accountId },
        Description: pair.Description,
      })),
    ];
  };
  return [
    ...group.ingress.flatMap((permission) => expand(permission, false)),
    ...group.egress.flatMap((permission) => expand(permission, true)),
  ];
}

/** Creates the seed's security groups and their Terraform rules (no CloudTrail: they predate netwarden). */
export function seedSecurityGroups(account: SimulatedAccount, state: SecurityGroupState): void {
  for (const group of ESTATE_GROUPS) {
    state.groups.set(group.id, {
      GroupId: group.id,
      GroupName: group.name,
      Description: group.description,
      VpcId: VPC_ID,
      OwnerId: account.accountId,
      Tags: Object.entries(group.tags).map(([Key, Value]) => ({ Key, Value })),
    });
    for (const rule of rulesOf(account, group)) {
      const id = account.newId('sgr');
      state.rules.set(id, {
        ...rule,
        SecurityGroupRuleId: id,
        SecurityGroupRuleArn: `arn:aws:ec2:${account.region}:${account.accountId}:security-group-rule/${id}`,
      });
    }
  }
}
