/** ACM DescribeCertificate for listener certificates. */
import { type ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { isGone } from '../errors';
import type { Certificates } from '../estate/certificates';

export function acmCertificates(client: ACMClient): Certificates {
  return {
    async certificate(arn) {
      // Listeners may use IAM server certificates: ACM knows nothing about them.
      if (!arn.startsWith('arn:aws') || !arn.includes(':acm:')) return undefined;
      try {
        const { Certificate: cert } = await client.send(
          new DescribeCertificateCommand({ CertificateArn: arn }),
        );
        return {
          arn,
          ...(cert?.DomainName ? { domain: cert.DomainName } : {}),
          ...(cert?.NotAfter ? { notAfter: new Date(cert.NotAfter) } : {}),
          ...(cert?.Status ? { status: cert.Status } : {}),
          ...(cert?.Type ? { type: cert.Type } : {}),
          ...(cert?.RenewalEligibility ? { renewalEligibility: cert.RenewalEligibility } : {}),
        };
      } catch (error) {
        if (isGone(error, 'certificate')) return undefined;
        throw error;
      }
    },
  };
}
