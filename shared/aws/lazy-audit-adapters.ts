/**
 * The adapters only the daily and weekly audits read (the whole account's groups, network
 * references, alarms, metrics, the CloudTrail history, certificates), each loaded on first use like
 * those of lazy-adapters.ts. They live apart because esbuild bundles every chunk a module can
 * import: beside the event handlers' loaders, the revert and heal bundles would carry the ACM,
 * CloudTrail and CloudWatch clients they never use.
 */
import type { Certificates } from '../estate/certificates';
import type { Alarms, Metrics, SecurityGroupTrail } from '../estate/monitoring';
import type { NetworkReferences, SecurityGroupInventory } from '../estate/security-groups';
import type { MemberAccess } from '../policy/organization';
import { lazyAdapter } from './lazy';

/** Every group and rule of the account, for the audits (the bulk EC2 client). */
/** `access`, in this file: a member account of an organisation, through its member role. */
export const lazySecurityGroupInventory = (access?: MemberAccess) =>
  lazyAdapter<SecurityGroupInventory>(async () => {
    const [{ ec2SecurityGroupInventory }, { ec2BulkClient, ec2ClientAs }] = await Promise.all([
      import('./ec2/security-groups'),
      import('./clients/ec2'),
    ]);
    return ec2SecurityGroupInventory(access ? ec2ClientAs(access, { bulk: true }) : ec2BulkClient());
  });

export const lazyNetworkReferences = (access?: MemberAccess) =>
  lazyAdapter<NetworkReferences>(async () => {
    const [{ ec2NetworkReferences }, { ec2BulkClient, ec2ClientAs }] = await Promise.all([
      import('./ec2/network'),
      import('./clients/ec2'),
    ]);
    return ec2NetworkReferences(access ? ec2ClientAs(access, { bulk: true }) : ec2BulkClient());
  });

export const lazyAlarms = (access?: MemberAccess) =>
  lazyAdapter<Alarms>(async () => {
    const [{ cloudWatchAlarms }, { cloudWatchClient, cloudWatchClientAs }] = await Promise.all([
      import('./cloudwatch'),
      import('./clients/cloudwatch'),
    ]);
    return cloudWatchAlarms(access ? cloudWatchClientAs(access) : cloudWatchClient());
  });

export const lazyMetrics = (access?: MemberAccess) =>
  lazyAdapter<Metrics>(async () => {
    const [{ cloudWatchMetrics }, { cloudWatchClient, cloudWatchClientAs }] = await Promise.all([
      import('./cloudwatch'),
      import('./clients/cloudwatch'),
    ]);
    return cloudWatchMetrics(access ? cloudWatchClientAs(access) : cloudWatchClient());
  });

export const lazySecurityGroupTrail = (access?: MemberAccess) =>
  lazyAdapter<SecurityGroupTrail>(async () => {
    const [{ cloudTrailSecurityGroupCalls }, { cloudTrailClient, cloudTrailClientAs }] = await Promise.all([
      import('./cloudtrail'),
      import('./clients/cloudtrail'),
    ]);
    return cloudTrailSecurityGroupCalls(access ? cloudTrailClientAs(access) : cloudTrailClient());
  });

export const lazyCertificates = (access?: MemberAccess) =>
  lazyAdapter<Certificates>(async () => {
    const [{ acmCertificates }, { acmClient, acmClientAs }] = await Promise.all([
      import('./acm'),
      import('./clients/acm'),
    ]);
    return acmCertificates(access ? acmClientAs(access) : acmClient());
  });
