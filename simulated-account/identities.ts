/**
 * CloudTrail identities of the people and systems in the demo estate. Shapes follow
 * docs/architecture.md#who-made-the-call-useridentity (AssumedRole with sessionIssuer, IAMUser, Root).
 */
export interface Identity {
  readonly userIdentity: Record<string, unknown>;
  readonly sourceIPAddress: string;
  readonly userAgent: string;
  readonly console: boolean;
}

export const ACCOUNT_ID = '111122223333';

export function assumedRole(
  roleName: string,
  sessionName: string,
  options: {
    path?: string;
    sourceIp?: string;
    userAgent?: string;
    console?: boolean;
    accountId?: string;
  } = {},
): Identity {
  const accountId = options.accountId ?? ACCOUNT_ID;
  const roleId = `AROA${Buffer.from(roleName).toString('hex').toUpperCase().slice(0, 17).padEnd(17, 'X')}`;
  return {
    userIdentity: {
      type: 'AssumedRole',
      principalId: `${roleId}:${sessionName}`,
      arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
      accountId,
      accessKeyId: 'ASIAEXAMPLEEXAMPLE01',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: roleId,
          arn: `arn:aws:iam::${accountId}:role/${options.path ?? ''}${roleName}`,
          accountId,
          userName: roleName,
        },
        webIdFederationData: {},
        attributes: { creationDate: '2026-11-23T00:00:00Z', mfaAuthenticated: 'false' },
      },
    },
    sourceIPAddress: options.sourceIp ?? 'ec2.amazonaws.com',
    userAgent:
      options.userAgent ??
      'aws-sdk-js/3.900.0 ua/2.1 os/linux lang/js md/nodejs#22 exec-env/AWS_Lambda_nodejs22.x',
    console: options.console ?? false,
  };
}

/** netwarden's own function role, as serverless.yml names it: netwarden-<stage>-<region>-<function>. */
export const netwardenRole = (fn: string, stage = 'demo', region = 'ap-northeast-2') =>
  assumedRole(`netwarden-${stage}-${region}-${fn}`, `netwarden-${stage}-${fn}`, { sourceIp: '3.35.0.10' });

/** A person in the console through IAM Identity Center. */
export const consoleUser = (email: string, sourceIp = '203.0.113.45') =>
  assumedRole('AWSReservedSSO_AdministratorAccess_0123456789abcdef', email, {
    path: 'aws-reserved/sso.amazonaws.com/ap-northeast-2/',
    sourceIp,
    userAgent: 'console.ec2.amazonaws.com',
    console: true,
  });

/** The CI role that runs terraform apply. */
export const terraform = () =>
  assumedRole('terraform-ci', 'terraform-apply-4821', {
    sourceIp: '52.78.10.20',
    userAgent:
      'APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.80.0',
  });

export const iamUser = (userName: string, sourceIp = '198.51.100.23'): Identity => ({
  userIdentity: {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLEEXAMPLE01',
    arn: `arn:aws:iam::${ACCOUNT_ID}:user/${userName}`,
    accountId: ACCOUNT_ID,
    accessKeyId: 'AKIAEXAMPLEEXAMPLE01',
    userName,
  },
  sourceIPAddress: sourceIp,
  userAgent: 'aws-cli/2.22.0 md/awscrt#0.23.4 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.12.6',
  console: false,
});
