/** The certificates the weekly audit finds on TLS listeners, as ACM describes them (shared/aws/acm.ts). */

export interface CertificateFacts {
  readonly arn: string;
  readonly domain?: string;
  readonly notAfter?: Date;
  readonly status?: string;
  /** AMAZON_ISSUED certificates renew by themselves when eligible; IMPORTED ones never do. */
  readonly type?: string;
  readonly renewalEligibility?: string;
}

export interface Certificates {
  /** undefined when ACM does not know the certificate (e.g. an IAM server certificate). */
  certificate(arn: string): Promise<CertificateFacts | undefined>;
}
