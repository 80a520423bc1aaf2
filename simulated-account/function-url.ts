/**
 * A Lambda Function URL request (payload 2.0) as AWS delivers it to grant-access after verifying the
 * caller's SigV4 signature (AWS_IAM auth): the verified principal is in requestContext.authorizer.iam.
 */
import { randomUUID } from 'node:crypto';
import { ACCOUNT_ID } from './identities';

export function functionUrlEvent(request: {
  method: string;
  path: string;
  body?: unknown;
  /** The principal AWS verified. */
  arn: string;
  /** The account that owns the function. */
  functionAccountId?: string;
  now?: Date;
}) {
  const domain = 'abcdefghij1234567890abcdefghij12.lambda-url.ap-northeast-2.on.aws';
  const callerAccount = request.arn.split(':')[4] ?? '';
  const session = request.arn.split('/').at(-1) ?? '';
  const now = request.now ?? new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: request.path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: domain, 'user-agent': 'netwarden-cli' },
    requestContext: {
      accountId: request.functionAccountId ?? ACCOUNT_ID,
      apiId: domain.split('.')[0],
      authorizer: {
        iam: {
          accessKey: 'ASIASIMULATEDEXAMPLE',
          accountId: callerAccount,
          callerId: `AROASIMULATEDEXAMPLE:${session}`,
          cognitoIdentity: null,
          principalOrgId: null,
          userArn: request.arn,
          userId: `AROASIMULATEDEXAMPLE:${session}`,
        },
      },
      domainName: domain,
      domainPrefix: domain.split('.')[0],
      http: {
        method: request.method,
        path: request.path,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'netwarden-cli',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    isBase64Encoded: false,
  };
}
