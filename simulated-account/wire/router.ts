/**
 * One wire request in, one wire response out: finds the service and operation the way AWS's front
 * ends do (the JSON protocols' X-Amz-Target, the query protocols' Action and Version, the REST
 * protocols' signing name and path), reads the input from the wire, runs the simulated operation
 * and writes its output or its error in the service's protocol. Both transports use it: the SDK
 * request handler in-process and the HTTP endpoint on 127.0.0.1.
 */
import { randomUUID } from 'node:crypto';
import { SimulatedAwsError } from '../errors';
import {
  decodeQueryInput,
  decodeRestInput,
  encodeRestOutput,
  escapeXml,
  fromJson,
  matchPath,
  toJson,
  xmlMembers,
} from './codec';
import {
  type AnyClientClass,
  type AnyCommandClass,
  type OperationModel,
  operationModelOf,
  type ServiceModel,
  serviceModelOf,
} from './schema';

export interface WireRequest {
  readonly method: string;
  /** The host the client addressed: S3 puts the bucket there (virtual-hosted style). */
  readonly host: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-case names. */
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export interface WireResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** Thrown by the router when a fault says the connection drops: each transport drops it its own way. */
export class ConnectionDropped extends Error {
  override readonly name = 'ConnectionDropped';
  readonly code = 'ECONNRESET';
  constructor() {
    super('socket hang up (the simulated account dropped the connection)');
  }
}

/** How a call can be made to fail: the service's own throttling error, a 5xx, a dropped connection, or any error. */
export type Fault = 'throttle' | 'server-error' | 'drop' | { code: string; message: string; status?: number };

export interface FaultRule {
  /** The operation's name on the wire (`RevokeSecurityGroupIngress`). */
  readonly operation: string;
  /** The service as calls are recorded (`EC2`); any service when omitted. */
  readonly service?: string;
  readonly fault: Fault;
  /** How many calls fail before the operation answers again; 1 when omitted. */
  times?: number;
}

export interface WireCall {
  readonly service: string;
  readonly command: string;
  readonly input: Record<string, unknown>;
  readonly error?: string;
}

type Run = (input: never) => unknown;

interface Route {
  readonly service: ServiceModel;
  readonly operation: OperationModel;
  readonly run: Run;
}

const THROTTLING: Record<ServiceModel['protocol'], { code: string; status: number; message: string }> = {
  ec2: { code: 'RequestLimitExceeded', status: 503, message: 'Request limit exceeded.' },
  query: { code: 'Throttling', status: 400, message: 'Rate exceeded' },
  'json1.0': { code: 'ThrottlingException', status: 400, message: 'Rate exceeded' },
  'json1.1': { code: 'ThrottlingException', status: 400, message: 'Rate exceeded' },
  'rest-xml': { code: 'SlowDown', status: 503, message: 'Please reduce your request rate.' },
  'rest-json': { code: 'TooManyRequestsException', status: 429, message: 'Rate exceeded' },
};
/** Where a service documents its own throttling code. */
const SERVICE_THROTTLING: Record<string, { code: string; status: number; message: string }> = {
  SNS: { code: 'Throttled', status: 400, message: 'Rate exceeded' },
  CloudWatch: { code: 'Throttling', status: 400, message: 'Rate exceeded' },
};

export class WireRouter {
  private readonly routes = new Map<string, Route>();
  private readonly faults: FaultRule[] = [];

  constructor(private readonly record: (call: WireCall) => void) {}

  register(client: AnyClientClass, command: AnyCommandClass, run: Run): void {
    const service = serviceModelOf(client);
    const operation = operationModelOf(command);
    this.routes.set(`${service.name}:${operation.name}`, { service, operation, run });
  }

  /** The SDK client classes with at least one simulated operation, by recorded service name. */
  services(): Set<string> {
    return new Set([...this.routes.values()].map((route) => route.service.name));
  }

  failNext(rule: FaultRule): void {
    this.faults.push({ ...rule, times: rule.times ?? 1 });
  }

  /**
   * `authorize`: the caller's permission check (a member role's policy, organization.ts), run before the
   * operation; the SimulatedAwsError it throws is the answer, in the service's protocol.
   */
  async handle(
    request: WireRequest,
    authorize?: (service: ServiceModel, operation: string) => void,
  ): Promise<WireResponse> {
    const { route, input } = this.find(request);
    const { service, operation } = route;
    const fault = this.takeFault(service.name, operation.name);
    if (fault === 'drop') {
      this.record({ service: service.name, command: operation.name, input, error: 'ECONNRESET' });
      throw new ConnectionDropped();
    }
    try {
      authorize?.(service, operation.name);
      if (fault) throw faultError(fault, service);
      const output = await route.run(input as never);
      this.record({ service: service.name, command: operation.name, input });
      return encodeOutput(service, operation, (output ?? {}) as Record<string, unknown>);
    } catch (error) {
      if (!(error instanceof SimulatedAwsError)) throw error;
      this.record({ service: service.name, command: operation.name, input, error: error.code });
      return encodeError(service, error);
    }
  }

  private takeFault(service: string, operation: string): Fault | undefined {
    const index = this.faults.findIndex(
      (rule) => rule.operation === operation && (rule.service === undefined || rule.service === service),
    );
    const rule = this.faults[index];
    if (!rule) return undefined;
    rule.times = (rule.times ?? 1) - 1;
    if (rule.times <= 0) this.faults.splice(index, 1);
    return rule.fault;
  }

  private find(request: WireRequest): { route: Route; input: Record<string, unknown> } {
    const target = request.headers['x-amz-target'];
    if (target) {
      const dot = target.lastIndexOf('.');
      const route = this.route(
        (service) => service.protocol.startsWith('json') && service.targetPrefix === target.slice(0, dot),
        target.slice(dot + 1),
      );
      const body = request.body.length > 0 ? JSON.parse(request.body.toString('utf8')) : {};
      return { route, input: (fromJson(route.operation.input, body) ?? {}) as Record<string, unknown> };
    }
    if ((request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      const params = new Map(new URLSearchParams(request.body.toString('utf8')));
      const version = params.get('Version');
      const route = this.route(
        (service) =>
          (service.protocol === 'ec2' || service.protocol === 'query') && service.version === version,
        params.get('Action') ?? '',
      );
      const flavour = route.service.protocol === 'ec2' ? 'ec2' : 'query';
      return { route, input: decodeQueryInput(route.operation.input, params, flavour) };
    }
    return this.findRest(request);
  }

  private findRest(request: WireRequest): { route: Route; input: Record<string, unknown> } {
    const signingName = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(
      request.headers.authorization ?? '',
    )?.[1];
    let path = request.path;
    const labels: Record<string, string> = {};
    if (signingName === 's3') {
      // Virtual-hosted style names the bucket in the host; path style (an IP endpoint) in the first segment.
      const hosted = /^(.+)\.s3[.-]/.exec(request.host)?.[1];
      if (hosted) labels.Bucket = hosted;
      else {
        const [, bucket = '', rest = ''] = /^\/([^/]+)(.*)$/.exec(path) ?? [];
        labels.Bucket = decodeURIComponent(bucket);
        path = rest || '/';
      }
    }
    for (const route of this.routes.values()) {
      const http = route.operation.http;
      if (route.service.signingName !== signingName || !http || http[0] !== request.method) continue;
      const matched = matchPath(http[1], path);
      if (!matched) continue;
      const documents = route.service.protocol === 'rest-json' ? 'json' : 'xml';
      const input = decodeRestInput(
        route.operation.input,
        { ...labels, ...matched },
        request.query,
        request.headers,
        request.body,
        documents,
      );
      return { route, input };
    }
    throw new Error(
      `the simulated account does not simulate ${request.method} ${request.path} (service ${signingName ?? 'unknown'})`,
    );
  }

  private route(isService: (service: ServiceModel) => boolean, operation: string): Route {
    for (const route of this.routes.values()) {
      if (isService(route.service) && route.operation.name === operation) return route;
    }
    throw new Error(`the simulated account does not simulate the operation ${operation}`);
  }
}

function faultError(fault: Exclude<Fault, 'drop'>, service: ServiceModel): SimulatedAwsError {
  if (fault === 'throttle') {
    const throttling = SERVICE_THROTTLING[service.name] ?? THROTTLING[service.protocol];
    return new SimulatedAwsError(throttling.code, throttling.message, throttling.status);
  }
  if (fault === 'server-error') {
    const code =
      service.protocol === 'ec2' || service.protocol === 'rest-xml' ? 'InternalError' : 'InternalFailure';
    return new SimulatedAwsError(code, 'We encountered an internal error. Please try again.', 500);
  }
  return new SimulatedAwsError(fault.code, fault.message, fault.status ?? 400);
}

const XML = { 'content-type': 'text/xml;charset=UTF-8' };

function encodeOutput(
  service: ServiceModel,
  operation: OperationModel,
  output: Record<string, unknown>,
): WireResponse {
  const requestId = randomUUID();
  const namespace = service.xmlNamespace ? ` xmlns="${service.xmlNamespace}/"` : '';
  switch (service.protocol) {
    case 'ec2': {
      const body = `<?xml version="1.0" encoding="UTF-8"?><${operation.name}Response${namespace}><requestId>${requestId}</requestId>${xmlMembers(operation.output, output)}</${operation.name}Response>`;
      return { status: 200, headers: { ...XML, 'x-amzn-requestid': requestId }, body: Buffer.from(body) };
    }
    case 'query': {
      const body = `<${operation.name}Response${namespace}><${operation.name}Result>${xmlMembers(operation.output, output)}</${operation.name}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation.name}Response>`;
      return { status: 200, headers: { ...XML, 'x-amzn-requestid': requestId }, body: Buffer.from(body) };
    }
    case 'json1.0':
    case 'json1.1': {
      const body = JSON.stringify(toJson(operation.output, output) ?? {});
      return {
        status: 200,
        headers: {
          'content-type': `application/x-amz-json-${service.protocol.slice(4)}`,
          'x-amzn-requestid': requestId,
        },
        body: Buffer.from(body),
      };
    }
    case 'rest-xml':
    case 'rest-json': {
      const documents = service.protocol === 'rest-json' ? 'json' : 'xml';
      const encoded = encodeRestOutput(operation.output, output, operation.http?.[2] ?? 200, documents);
      const idHeader = documents === 'xml' ? 'x-amz-request-id' : 'x-amzn-requestid';
      return { ...encoded, headers: { [idHeader]: requestId, ...encoded.headers } };
    }
  }
}

function encodeError(service: ServiceModel, error: SimulatedAwsError): WireResponse {
  const requestId = randomUUID();
  const code = escapeXml(error.code);
  const message = escapeXml(error.message);
  switch (service.protocol) {
    case 'ec2': {
      const body = `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;
      return { status: error.status, headers: XML, body: Buffer.from(body) };
    }
    case 'query': {
      const type = error.status >= 500 ? 'Receiver' : 'Sender';
      const namespace = service.xmlNamespace ? ` xmlns="${service.xmlNamespace}/"` : '';
      const body = `<ErrorResponse${namespace}><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
      return { status: error.status, headers: XML, body: Buffer.from(body) };
    }
    case 'json1.0':
    case 'json1.1':
      return {
        status: error.status,
        headers: {
          'content-type': `application/x-amz-json-${service.protocol.slice(4)}`,
          'x-amzn-requestid': requestId,
          ...(service.queryCompatible
            ? { 'x-amzn-query-error': `${error.code};${error.status >= 500 ? 'Receiver' : 'Sender'}` }
            : {}),
        },
        body: Buffer.from(JSON.stringify({ __type: error.code, message: error.message })),
      };
    case 'rest-xml': {
      const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`;
      return {
        status: error.status,
        headers: { ...XML, 'x-amz-request-id': requestId },
        body: Buffer.from(body),
      };
    }
    case 'rest-json':
      return {
        status: error.status,
        headers: {
          'content-type': 'application/json',
          'x-amzn-errortype': error.code,
          'x-amzn-requestid': requestId,
        },
        body: Buffer.from(JSON.stringify({ message: error.message })),
      };
  }
}
