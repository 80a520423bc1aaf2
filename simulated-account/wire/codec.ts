/**
 * The server side of the AWS wire protocols that netwarden's clients speak, driven by each
 * operation's model (schema.ts):
 * - EC2 query (`Action=…&IpPermissions.1.IpRanges.1.CidrIp=…`, XML answers with `<item>` lists),
 * - AWS query (ELBv2, SNS: `Targets.member.1.Id`, answers wrapped in `<OpResult>`),
 * - AWS JSON 1.0/1.1 (SSM, CloudWatch, CloudTrail, ACM, SQS: epoch-second timestamps, `__type` errors),
 * - REST (S3 REST-XML, Lambda REST-JSON: path labels, headers, a payload member).
 */
import type { NormalizedSchema } from '@smithy/core/schema';
import { type TimestampFormat, timestampFormatOf, traitsOf } from './schema';

type Data = Record<string, unknown>;

const isRecord = (value: unknown): value is Data => typeof value === 'object' && value !== null;
const capitalise = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

function parseTimestamp(raw: string | number, format: TimestampFormat): Date {
  if (typeof raw === 'number') return new Date(raw * 1000);
  if (format === 'epoch-seconds' && /^\d+(\.\d+)?$/.test(raw)) return new Date(Number(raw) * 1000);
  return new Date(raw);
}

function formatTimestamp(value: unknown, format: TimestampFormat): string | number {
  const date = value instanceof Date ? value : new Date(String(value));
  if (format === 'epoch-seconds') return date.getTime() / 1000;
  if (format === 'http-date') return date.toUTCString();
  return date.toISOString().replace(/\.000Z$/, 'Z');
}

const toBytes = (value: unknown): Buffer =>
  typeof value === 'string'
    ? Buffer.from(value)
    : value instanceof Uint8Array
      ? Buffer.from(value)
      : Buffer.from(JSON.stringify(value));

/** A scalar from its text on the wire (query parameters, XML text, headers). */
function scalarFromText(schema: NormalizedSchema, raw: string, timestamps: TimestampFormat): unknown {
  if (schema.isBooleanSchema()) return raw === 'true';
  if (schema.isNumericSchema() || schema.isBigIntegerSchema() || schema.isBigDecimalSchema())
    return Number(raw);
  if (schema.isTimestampSchema()) return parseTimestamp(raw, timestampFormatOf(schema, timestamps));
  if (schema.isBlobSchema()) return new Uint8Array(Buffer.from(raw, 'base64'));
  return raw;
}

function scalarToText(schema: NormalizedSchema, value: unknown, timestamps: TimestampFormat): string {
  if (schema.isTimestampSchema())
    return String(formatTimestamp(value, timestampFormatOf(schema, timestamps)));
  if (schema.isBlobSchema()) return toBytes(value).toString('base64');
  return String(value);
}

// ---------------------------------------------------------------- query (EC2 and AWS query) requests

export type QueryFlavour = 'ec2' | 'query';

function queryName(memberName: string, member: NormalizedSchema, flavour: QueryFlavour): string {
  const traits = traitsOf(member);
  if (flavour === 'ec2') return traits.ec2QueryName ?? capitalise(traits.xmlName ?? memberName);
  return traits.xmlName ?? memberName;
}

function readQueryStruct(
  schema: NormalizedSchema,
  prefix: string,
  params: Map<string, string>,
  flavour: QueryFlavour,
): Data | undefined {
  const out: Data = {};
  for (const [memberName, member] of schema.structIterator()) {
    const key = prefix
      ? `${prefix}.${queryName(memberName, member, flavour)}`
      : queryName(memberName, member, flavour);
    const value = readQueryValue(member, key, params, flavour);
    if (value !== undefined) out[memberName] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function readQueryValue(
  schema: NormalizedSchema,
  key: string,
  params: Map<string, string>,
  flavour: QueryFlavour,
): unknown {
  if (schema.isListSchema()) {
    const item = schema.getValueSchema();
    const flattened = flavour === 'ec2' || Boolean(traitsOf(schema).xmlFlattened);
    const base = flattened ? key : `${key}.${traitsOf(item).xmlName ?? 'member'}`;
    const values: unknown[] = [];
    for (let index = 1; ; index += 1) {
      const value = readQueryValue(item, `${base}.${index}`, params, flavour);
      if (value === undefined) break;
      values.push(value);
    }
    // The query protocols send an empty list as the bare key with an empty value.
    if (values.length === 0) return params.get(key) === '' ? [] : undefined;
    return values;
  }
  if (schema.isMapSchema()) {
    const flattened = Boolean(traitsOf(schema).xmlFlattened);
    const keyName = traitsOf(schema.getKeySchema()).xmlName ?? 'key';
    const valueName = traitsOf(schema.getValueSchema()).xmlName ?? 'value';
    const out: Data = {};
    for (let index = 1; ; index += 1) {
      const entry = flattened ? `${key}.${index}` : `${key}.entry.${index}`;
      const name = params.get(`${entry}.${keyName}`);
      if (name === undefined) break;
      out[name] = readQueryValue(schema.getValueSchema(), `${entry}.${valueName}`, params, flavour);
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (schema.isStructSchema()) return readQueryStruct(schema, key, params, flavour);
  const raw = params.get(key);
  return raw === undefined ? undefined : scalarFromText(schema, raw, 'date-time');
}

/** The operation's input from a query-protocol form body. */
export function decodeQueryInput(
  schema: NormalizedSchema,
  params: Map<string, string>,
  flavour: QueryFlavour,
): Data {
  return readQueryStruct(schema, '', params, flavour) ?? {};
}

// ---------------------------------------------------------------- XML answers

export const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function xmlValue(schema: NormalizedSchema, name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (schema.isListSchema()) {
    const item = schema.getValueSchema();
    const flattened = Boolean(traitsOf(schema).xmlFlattened);
    const itemName = flattened ? name : (traitsOf(item).xmlName ?? 'member');
    const inner = (value as unknown[]).map((entry) => xmlValue(item, itemName, entry)).join('');
    return flattened ? inner : `<${name}>${inner}</${name}>`;
  }
  if (schema.isMapSchema()) {
    const keyName = traitsOf(schema.getKeySchema()).xmlName ?? 'key';
    const valueName = traitsOf(schema.getValueSchema()).xmlName ?? 'value';
    const entries = Object.entries(value as Data)
      .map(
        ([key, entry]) =>
          `<entry><${keyName}>${escapeXml(key)}</${keyName}>${xmlValue(schema.getValueSchema(), valueName, entry)}</entry>`,
      )
      .join('');
    return `<${name}>${entries}</${name}>`;
  }
  if (schema.isStructSchema()) return `<${name}>${xmlMembers(schema, value as Data)}</${name}>`;
  return `<${name}>${escapeXml(scalarToText(schema, value, 'date-time'))}</${name}>`;
}

/** The members of a structure as XML elements named as the model names them on the wire. */
export function xmlMembers(
  schema: NormalizedSchema,
  value: Data,
  skip: (member: NormalizedSchema) => boolean = () => false,
): string {
  let xml = '';
  for (const [memberName, member] of schema.structIterator()) {
    if (skip(member)) continue;
    xml += xmlValue(member, traitsOf(member).xmlName ?? memberName, value[memberName]);
  }
  return xml;
}

// ---------------------------------------------------------------- XML request documents (REST-XML payloads)

interface XmlElement {
  readonly name: string;
  readonly children: XmlElement[];
  text: string;
}

/** A small XML reader for request documents: elements and text, no attributes or namespaces needed. */
export function parseXml(xml: string): XmlElement | undefined {
  const root: XmlElement = { name: '#root', children: [], text: '' };
  const stack: XmlElement[] = [root];
  const tokens = xml.replace(/<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([A-Za-z_][\w.-]*)[^>]*?(\/?)>|([^<]+)/g);
  for (const [, closing, name, selfClosing, text] of tokens) {
    const top = stack[stack.length - 1];
    if (!top) break;
    if (text !== undefined) {
      top.text += text
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&');
    } else if (closing) {
      stack.pop();
    } else if (name) {
      const element: XmlElement = { name, children: [], text: '' };
      top.children.push(element);
      if (!selfClosing) stack.push(element);
    }
  }
  return root.children[0];
}

function readXmlValue(schema: NormalizedSchema, elements: XmlElement[]): unknown {
  const first = elements[0];
  if (!first) return undefined;
  if (schema.isListSchema()) {
    const item = schema.getValueSchema();
    const flattened = Boolean(traitsOf(schema).xmlFlattened);
    const items = flattened ? elements : first.children;
    return items.map((element) => readXmlValue(item, [element]));
  }
  if (schema.isStructSchema()) return readXmlStruct(schema, first);
  return scalarFromText(schema, first.text.trim(), 'date-time');
}

export function readXmlStruct(schema: NormalizedSchema, element: XmlElement): Data {
  const out: Data = {};
  for (const [memberName, member] of schema.structIterator()) {
    const name = traitsOf(member).xmlName ?? memberName;
    const matches = element.children.filter((child) => child.name === name);
    const value = readXmlValue(member, matches);
    if (value !== undefined) out[memberName] = value;
  }
  return out;
}

// ---------------------------------------------------------------- JSON (AWS JSON 1.0/1.1 and REST-JSON bodies)

/** JSON as the protocol carries it → the operation's input: epoch-second timestamps become Dates, base64 blobs bytes. */
export function fromJson(schema: NormalizedSchema, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (schema.isListSchema())
    return (value as unknown[]).map((item) => fromJson(schema.getValueSchema(), item));
  if (schema.isMapSchema())
    return Object.fromEntries(
      Object.entries(value as Data).map(([key, item]) => [key, fromJson(schema.getValueSchema(), item)]),
    );
  if (schema.isStructSchema()) {
    const out: Data = {};
    for (const [memberName, member] of schema.structIterator()) {
      const converted = fromJson(member, (value as Data)[memberName]);
      if (converted !== undefined) out[memberName] = converted;
    }
    return out;
  }
  if (schema.isTimestampSchema())
    return parseTimestamp(value as string | number, timestampFormatOf(schema, 'epoch-seconds'));
  if (schema.isBlobSchema()) return new Uint8Array(Buffer.from(String(value), 'base64'));
  return value;
}

/** The operation's output → JSON as the protocol carries it. */
export function toJson(schema: NormalizedSchema, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (schema.isListSchema()) return (value as unknown[]).map((item) => toJson(schema.getValueSchema(), item));
  if (schema.isMapSchema())
    return Object.fromEntries(
      Object.entries(value as Data).map(([key, item]) => [key, toJson(schema.getValueSchema(), item)]),
    );
  if (schema.isStructSchema()) {
    const out: Data = {};
    for (const [memberName, member] of schema.structIterator()) {
      const converted = toJson(member, (value as Data)[memberName]);
      if (converted !== undefined) out[memberName] = converted;
    }
    return out;
  }
  if (schema.isTimestampSchema()) return formatTimestamp(value, timestampFormatOf(schema, 'epoch-seconds'));
  if (schema.isBlobSchema()) return toBytes(value).toString('base64');
  return value;
}

// ---------------------------------------------------------------- REST bindings (S3, Lambda)

/** Matches `/2015-03-31/functions/{FunctionName}/invocations` or `/{Key+}` against a request path. */
export function matchPath(template: string, path: string): Record<string, string> | undefined {
  const templatePath = template.split('?')[0] ?? '';
  const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const names: string[] = [];
  let pattern = '';
  let last = 0;
  for (const label of templatePath.matchAll(/\{(\w+)(\+?)\}/g)) {
    pattern += escapeRegExp(templatePath.slice(last, label.index));
    names.push(label[1] ?? '');
    pattern += label[2] ? '(.+)' : '([^/]+)';
    last = label.index + label[0].length;
  }
  pattern += escapeRegExp(templatePath.slice(last));
  const match = new RegExp(`^${pattern}$`).exec(path);
  if (!match) return undefined;
  return Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? '')]));
}

export function decodeRestInput(
  schema: NormalizedSchema,
  labels: Record<string, string>,
  query: URLSearchParams,
  headers: Record<string, string>,
  body: Buffer,
  documents: 'xml' | 'json',
): Data {
  const out: Data = {};
  const documentMembers: Array<[string, NormalizedSchema]> = [];
  for (const [memberName, member] of schema.structIterator()) {
    const traits = traitsOf(member);
    if (traits.httpLabel) {
      const label = labels[memberName];
      if (label !== undefined) out[memberName] = scalarFromText(member, label, 'date-time');
    } else if (traits.httpHeader) {
      const header = headers[traits.httpHeader.toLowerCase()];
      if (header !== undefined) out[memberName] = scalarFromText(member, header, 'http-date');
    } else if (traits.httpQuery) {
      const value = query.get(traits.httpQuery);
      if (value !== null) out[memberName] = scalarFromText(member, value, 'date-time');
    } else if (traits.httpPayload) {
      if (body.length === 0) continue;
      if (member.isBlobSchema()) out[memberName] = new Uint8Array(body);
      else if (member.isStringSchema()) out[memberName] = body.toString('utf8');
      else if (documents === 'json') out[memberName] = fromJson(member, JSON.parse(body.toString('utf8')));
      else {
        const root = parseXml(body.toString('utf8'));
        if (root) out[memberName] = readXmlStruct(member, root);
      }
    } else {
      documentMembers.push([memberName, member]);
    }
  }
  if (documentMembers.length > 0 && body.length > 0) {
    const document: Data =
      documents === 'json'
        ? (JSON.parse(body.toString('utf8')) as Data)
        : readXmlStruct(schema, parseXml(body.toString('utf8')) ?? { name: '', children: [], text: '' });
    for (const [memberName, member] of documentMembers) {
      const value = documents === 'json' ? fromJson(member, document[memberName]) : document[memberName];
      if (value !== undefined) out[memberName] = value;
    }
  }
  return out;
}

export interface EncodedBody {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export function encodeRestOutput(
  schema: NormalizedSchema,
  output: Data,
  successStatus: number,
  documents: 'xml' | 'json',
): EncodedBody {
  const headers: Record<string, string> = {};
  let status = successStatus;
  let payload: Buffer | undefined;
  const documentMembers: string[] = [];
  for (const [memberName, member] of schema.structIterator()) {
    const value = output[memberName];
    const traits = traitsOf(member);
    if (traits.httpResponseCode) {
      if (typeof value === 'number') status = value;
    } else if (traits.httpHeader) {
      if (value !== undefined && value !== null)
        headers[traits.httpHeader.toLowerCase()] = scalarToText(member, value, 'http-date');
    } else if (traits.httpPayload) {
      if (value === undefined || value === null) continue;
      if (member.isBlobSchema() || member.isStringSchema() || member.isStreaming()) payload = toBytes(value);
      else if (documents === 'json') payload = Buffer.from(JSON.stringify(toJson(member, value)));
      else payload = Buffer.from(xmlValue(member, traitsOf(member).xmlName ?? memberName, value));
    } else if (isRecord(output) && value !== undefined && !traitsOf(member).httpPrefixHeaders) {
      documentMembers.push(memberName);
    }
  }
  if (!payload && documentMembers.length > 0) {
    if (documents === 'json') payload = Buffer.from(JSON.stringify(toJson(schema, output)));
    else {
      const name = schema.getName() ?? 'Response';
      payload = Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?><${name}>${xmlMembers(schema, output, (member) => {
          const traits = traitsOf(member);
          return Boolean(traits.httpHeader || traits.httpPayload || traits.httpResponseCode);
        })}</${name}>`,
      );
    }
  }
  return { status, headers, body: payload ?? Buffer.alloc(0) };
}
