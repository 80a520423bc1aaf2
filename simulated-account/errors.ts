import { EC2ServiceException } from '@aws-sdk/client-ec2';

/** An error shaped like the SDK's: `name` is the AWS error code, as real exceptions carry it. */
export function awsError(code: string, message: string, status = 400): Error {
  return new EC2ServiceException({
    name: code,
    message,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'simulated' },
  });
}
