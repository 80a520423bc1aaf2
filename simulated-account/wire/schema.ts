/**
 * The services' own Smithy models, as the AWS SDK packages ship them: each operation's input and
 * output shape with the wire names AWS documents (EC2's `securityGroupInfo`/`item`, ELBv2's `member`,
 * S3's HTTP bindings). The simulated account reads requests and writes responses from these models,
 * the server side of what the SDK's serializers do on the client side, so that the SDK's own
 * serializers, deserializers, error mapping, retries and paginators run in every scenario.
 */
import { NormalizedSchema } from '@smithy/core/schema';

// biome-ignore lint/suspicious/noExplicitAny: SDK client classes of any service.
export type AnyClientClass = new (...args: any[]) => any;
// biome-ignore lint/suspicious/noExplicitAny: command classes of any service.
export type AnyCommandClass = new (input: any) => any;

export type Protocol = 'ec2' | 'query' | 'json1.0' | 'json1.1' | 'rest-xml' | 'rest-json';

export interface ServiceModel {
  /** The SDK client's name without `Client` (`EC2`, `ElasticLoadBalancingV2`): how calls are recorded. */
  readonly name: string;
  readonly protocol: Protocol;
  /** SigV4 signing name (`ec2`, `elasticloadbalancing`, `monitoring`, `s3`): names the service on the wire. */
  readonly signingName: string;
  /** The query protocols' `Version` parameter. */
  readonly version?: string;
  /** The JSON protocols' `X-Amz-Target` prefix (`AmazonSSM`). */
  readonly targetPrefix?: string;
  readonly xmlNamespace?: string;
  /** CloudWatch answers JSON but keeps its query error codes in `x-amzn-query-error`. */
  readonly queryCompatible: boolean;
}

export interface OperationModel {
  readonly name: string;
  readonly input: NormalizedSchema;
  readonly output: NormalizedSchema;
  /** REST protocols: method, path template (`/{Key+}?x-id=GetObject`) and success status. */
  readonly http?: readonly [string, string, number];
}

const PROTOCOLS: Record<string, Protocol> = {
  AwsEc2QueryProtocol: 'ec2',
  AwsQueryProtocol: 'query',
  AwsJson1_0Protocol: 'json1.0',
  AwsJson1_1Protocol: 'json1.1',
  AwsRestXmlProtocol: 'rest-xml',
  S3RestXmlProtocol: 'rest-xml',
  AwsRestJsonProtocol: 'rest-json',
};

const serviceModels = new Map<AnyClientClass, ServiceModel>();

/** Reads the service's protocol and names from a client instance; no request is made. */
export function serviceModelOf(client: AnyClientClass): ServiceModel {
  const known = serviceModels.get(client);
  if (known) return known;
  const instance = new client({
    region: 'ap-northeast-2',
    credentials: { accessKeyId: 'model', secretAccessKey: 'model' },
  });
  const config = instance.config as {
    protocol?: { constructor: { name: string }; options?: Record<string, unknown> };
    protocolSettings?: Record<string, unknown>;
    defaultSigningName?: string;
    serviceId?: string;
  };
  instance.destroy();
  const protocolName = config.protocol?.constructor.name ?? '';
  const protocol = PROTOCOLS[protocolName];
  if (!protocol)
    throw new Error(`${client.name} speaks ${protocolName}, which the simulated account does not`);
  const options = { ...config.protocol?.options, ...config.protocolSettings };
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const model: ServiceModel = {
    name: client.name.replace(/Client$/, ''),
    protocol,
    signingName: config.defaultSigningName ?? '',
    version: text(options.version),
    targetPrefix: text(options.serviceTarget),
    xmlNamespace: text(options.xmlNamespace),
    queryCompatible: options.awsQueryCompatible === true,
  };
  serviceModels.set(client, model);
  return model;
}

type LazySchema = unknown | (() => unknown);
const resolved = (schema: LazySchema): unknown => (typeof schema === 'function' ? schema() : schema);

export function operationModelOf(command: AnyCommandClass): OperationModel {
  const schema = new command({}).schema as [number, string, string, unknown, LazySchema, LazySchema];
  const [, , name, traits, input, output] = schema;
  const http =
    typeof traits === 'object' && traits !== null && 'http' in traits
      ? (traits.http as [string, string, number])
      : undefined;
  return {
    name,
    input: NormalizedSchema.of(resolved(input) as never),
    output: NormalizedSchema.of(resolved(output) as never),
    ...(http ? { http } : {}),
  };
}

export interface Traits {
  readonly xmlName?: string;
  readonly ec2QueryName?: string;
  readonly xmlFlattened?: number | boolean;
  readonly xmlAttribute?: number | boolean;
  readonly httpLabel?: number | boolean;
  readonly httpHeader?: string;
  readonly httpQuery?: string;
  readonly httpPayload?: number | boolean;
  readonly httpResponseCode?: number | boolean;
  readonly streaming?: number | boolean;
  readonly httpPrefixHeaders?: string;
}

export const traitsOf = (schema: NormalizedSchema): Traits => schema.getMergedTraits() as Traits;

export type TimestampFormat = 'date-time' | 'http-date' | 'epoch-seconds';

/** A timestamp member's own format (Smithy schema ids 5–7), else the protocol's default for its place. */
export function timestampFormatOf(schema: NormalizedSchema, fallback: TimestampFormat): TimestampFormat {
  const id = schema.getSchema();
  if (id === 5) return 'date-time';
  if (id === 6) return 'http-date';
  if (id === 7) return 'epoch-seconds';
  return fallback;
}
