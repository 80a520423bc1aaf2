/** ACM DescribeCertificate; an unknown ARN is ResourceNotFoundException, as in AWS. */
import {
  ACMClient,
  DescribeCertificateCommand,
  type DescribeCertificateCommandInput,
} from '@aws-sdk/client-acm';
import type { SimulatedAccount } from './account';
import type { Certificate } from './audit-state';
import { awsError } from './errors';

export function installAcm(account: SimulatedAccount, certificates: Certificate[]): void {
  account.handle(ACMClient, DescribeCertificateCommand, (input: DescribeCertificateCommandInput) => {
    const cert = certificates.find((candidate) => candidate.arn === input.CertificateArn);
    if (!cert)
      throw awsError('ResourceNotFoundException', `Could not find certificate ${input.CertificateArn}.`);
    return {
      Certificate: {
        CertificateArn: cert.arn,
        DomainName: cert.domain,
        NotAfter: cert.notAfter,
        NotBefore: new Date(cert.notAfter.getTime() - 395 * 86_400_000),
        Status: 'ISSUED',
        Type: cert.type,
        RenewalEligibility: cert.renewalEligibility,
        InUseBy: [],
      },
    };
  });
}
