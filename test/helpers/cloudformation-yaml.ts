/**
 * A CloudFormation YAML template parsed as CloudFormation reads it: the short forms of the intrinsic
 * functions (`!Ref`, `!Sub`, `!GetAtt`, `!If` …) become their JSON forms (`{ Ref }`, `{ "Fn::Sub" }` …),
 * as `osls package` writes them, so that a test reads stacksets/member.yml and the packaged
 * serverless.yml template alike.
 */
import { readFileSync } from 'node:fs';
import { parse, type YAMLMap, type YAMLSeq } from 'yaml';

const SCALARS: Record<string, (value: string) => unknown> = {
  '!Ref': (value) => ({ Ref: value }),
  '!Condition': (value) => ({ Condition: value }),
  '!Sub': (value) => ({ 'Fn::Sub': value }),
  '!GetAtt': (value) => ({ 'Fn::GetAtt': value.split('.') }),
  '!GetAZs': (value) => ({ 'Fn::GetAZs': value }),
  '!ImportValue': (value) => ({ 'Fn::ImportValue': value }),
  '!Base64': (value) => ({ 'Fn::Base64': value }),
};
const SEQUENCES = [
  'Sub',
  'GetAtt',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'Join',
  'Select',
  'Split',
  'FindInMap',
];

const customTags = [
  ...Object.entries(SCALARS).map(([tag, resolve]) => ({ tag, resolve })),
  ...SEQUENCES.map((name) => ({
    tag: `!${name}`,
    collection: 'seq' as const,
    resolve: (value: YAMLSeq | YAMLMap) => ({ [`Fn::${name}`]: value.toJSON() }),
  })),
];

export function parseCloudFormationYaml(text: string): unknown {
  return parse(text, { customTags });
}

export function readCloudFormationYaml(path: string): unknown {
  return parseCloudFormationYaml(readFileSync(path, 'utf8'));
}

export interface CloudFormationTemplate {
  Parameters?: Record<string, { Default?: string }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>;
  Outputs?: Record<string, unknown>;
}

export interface Stack {
  /** The parameter values given; the others take their Default. */
  readonly parameters: Record<string, string>;
  readonly region: string;
  readonly accountId: string;
}

/**
 * The resources one stack instance would create: the conditions evaluated, the resources whose
 * condition is false dropped, and `Ref`, `Fn::Sub`, `Fn::If`, `Fn::Equals`, `Fn::Not` of parameters
 * and pseudo parameters resolved (`AWS::NoValue` removes its property or list element). References to
 * resources (`Ref` of a resource, `Fn::GetAtt`) stay as they are written.
 */
export function instantiate(
  template: CloudFormationTemplate,
  stack: Stack,
): CloudFormationTemplate['Resources'] {
  const values: Record<string, string> = {
    'AWS::Region': stack.region,
    'AWS::AccountId': stack.accountId,
    'AWS::Partition': 'aws',
  };
  for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
    const value = stack.parameters[name] ?? parameter.Default;
    if (value === undefined) throw new Error(`parameter ${name} has no value and no default`);
    values[name] = value;
  }
  const NO_VALUE = Symbol('AWS::NoValue');
  const conditions = new Map<string, boolean>();
  const condition = (name: string): boolean => {
    const known = conditions.get(name);
    if (known !== undefined) return known;
    const holds = resolve(template.Conditions?.[name]);
    if (typeof holds !== 'boolean') throw new Error(`condition ${name} is not a boolean`);
    conditions.set(name, holds);
    return holds;
  };
  function resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(resolve).filter((item) => item !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const record = value as Record<string, unknown>;
    const [key, argument] = Object.entries(record)[0] ?? [];
    if (Object.keys(record).length === 1) {
      if (key === 'Ref' && argument === 'AWS::NoValue') return NO_VALUE;
      if (key === 'Ref' && typeof argument === 'string' && argument in values) return values[argument];
      if (key === 'Fn::Sub' && typeof argument === 'string')
        return argument.replace(/\$\{([\w:]+)\}/g, (whole, name: string) => values[name] ?? whole);
      if (key === 'Fn::If' && Array.isArray(argument))
        return resolve(condition(String(argument[0])) ? argument[1] : argument[2]);
      if (key === 'Fn::Equals' && Array.isArray(argument))
        return JSON.stringify(resolve(argument[0])) === JSON.stringify(resolve(argument[1]));
      if (key === 'Fn::Not' && Array.isArray(argument)) return !resolve(argument[0]);
    }
    return Object.fromEntries(
      Object.entries(record)
        .map(([name, item]) => [name, resolve(item)] as const)
        .filter(([, item]) => item !== NO_VALUE),
    );
  }
  return Object.fromEntries(
    Object.entries(template.Resources)
      .filter(([, resource]) => resource.Condition === undefined || condition(resource.Condition))
      .map(([id, resource]) => [id, resolve(resource) as CloudFormationTemplate['Resources'][string]]),
  );
}
