/**
 * Terraform state (format version 4) → baseline rules. Pure: the S3 read is shared/aws/s3.ts.
 *
 * Four resource kinds carry security-group rules: `aws_security_group` (inline ingress/egress blocks),
 * `aws_security_group_rule`, and `aws_vpc_security_group_ingress_rule` / `_egress_rule`. Resources in
 * modules and `count`/`for_each` instances are all read (every `instances[]` entry is one real object).
 *
 * The trap: Terraform refreshes an `aws_security_group`'s `ingress`/`egress` attributes from AWS, so a
 * group whose rules are managed as separate rule resources has inline attributes listing *every* rule it
 * had at the last apply — console rules included. Inline blocks therefore count only for groups that no
 * separate rule resource targets (Terraform itself forbids mixing the two styles on one group).
 *
 * An entry that cannot be read makes its group's baseline incomplete: `baselineFromState` then returns
 * undefined for that group, so no caller mistakes a rule Terraform approved for drift.
 */
import { peerFromFields, RuleShapeError } from '../rules/normalise';
import { type Direction, normalisePorts, normaliseProtocol, type Peer, type Rule } from '../rules/rule';

export class TerraformStateError extends Error {
  override readonly name = 'TerraformStateError';
}

export interface StateBaseline {
  /** Baseline rules per security-group id. A managed group with no rules maps to []. */
  readonly rules: ReadonlyMap<string, Rule[]>;
  /** Groups with at least one entry that could not be read: their baseline is unknown. */
  readonly incomplete: ReadonlySet<string>;
  /** What could not be read, as `address: problem`. */
  readonly problems: string[];
}

type Attributes = Record<string, unknown>;

interface Instance {
  address: string;
  attributes: Attributes;
}

const RULE_TYPES = new Set([
  'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule',
  'aws_vpc_security_group_egress_rule',
]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item !== '') : [];
const port = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) ? value : undefined;

/** `module.network.aws_security_group_rule.mysql["sg-1"]`: the address `terraform state list` prints. */
function addressOf(resource: Record<string, unknown>, indexKey: unknown): string {
  const base = `${text(resource.module) ? `${resource.module}.` : ''}${resource.type}.${resource.name}`;
  if (indexKey === undefined) return base;
  return `${base}[${typeof indexKey === 'string' ? JSON.stringify(indexKey) : String(indexKey)}]`;
}

function instancesOf(state: Record<string, unknown>): Array<{ type: string; instance: Instance }> {
  const resources = Array.isArray(state.resources) ? state.resources : [];
  return resources.flatMap((resource, index) => {
    if (!isObject(resource)) throw new TerraformStateError(`resources[${index}]: expected an object`);
    if (resource.mode !== 'managed' || typeof resource.type !== 'string') return [];
    const type = resource.type;
    if (type !== 'aws_security_group' && !RULE_TYPES.has(type)) return [];
    const instances = Array.isArray(resource.instances) ? resource.instances : [];
    return instances.filter(isObject).map((instance) => ({
      type,
      instance: {
        address: addressOf(resource, instance.index_key),
        attributes: isObject(instance.attributes) ? instance.attributes : {},
      },
    }));
  });
}

function protocolOf(raw: unknown, field: string): string {
  const protocol = normaliseProtocol(typeof raw === 'number' || typeof raw === 'string' ? raw : undefined);
  if (protocol === undefined)
    throw new RuleShapeError(`${field}: expected an IP protocol, found ${JSON.stringify(raw)}`);
  return protocol;
}

interface Sources {
  cidrs: string[];
  ipv6: string[];
  prefixLists: string[];
  groups: string[];
}

function rulesFor(
  groupId: string,
  direction: Direction,
  shape: { protocol: unknown; fromPort: unknown; toPort: unknown; description: unknown; ruleId?: string },
  sources: Sources,
  field: string,
): Rule[] {
  const protocol = protocolOf(shape.protocol, `${field}.protocol`);
  const common = {
    groupId,
    direction,
    protocol,
    ...normalisePorts(protocol, port(shape.fromPort), port(shape.toPort)),
    ...(text(shape.description) ? { description: text(shape.description) } : {}),
    ...(shape.ruleId ? { ruleId: shape.ruleId } : {}),
    tags: {},
  };
  const peers: Peer[] = [
    ...sources.cidrs.map((cidr) => peerFromFields({ cidrIpv4: cidr }, `${field}.cidr_blocks`)),
    ...sources.ipv6.map((cidr) => peerFromFields({ cidrIpv6: cidr }, `${field}.ipv6_cidr_blocks`)),
    ...sources.prefixLists.map((id) => peerFromFields({ prefixListId: id }, `${field}.prefix_list_ids`)),
    ...sources.groups.map((id) => {
      // Default-VPC configurations may name groups instead of ids; those cannot be compared by id.
      if (!id.startsWith('sg-'))
        throw new RuleShapeError(`${field}: expected a security group id, found ${JSON.stringify(id)}`);
      return peerFromFields({ groupId: id }, `${field}.security_groups`);
    }),
  ];
  if (peers.length === 0) throw new RuleShapeError(`${field}: expected at least one source, found none`);
  return peers.map((peer) => ({ ...common, peer }));
}

/** aws_security_group_rule: one resource, possibly several sources. */
function legacyRuleResource(attributes: Attributes, address: string): { groupId: string; rules: Rule[] } {
  const groupId = text(attributes.security_group_id);
  if (!groupId) throw new RuleShapeError(`${address}.security_group_id: expected a group id, found none`);
  const type = attributes.type;
  if (type !== 'ingress' && type !== 'egress')
    throw new RuleShapeError(`${address}.type: expected ingress or egress, found ${JSON.stringify(type)}`);
  const source = text(attributes.source_security_group_id);
  const rules = rulesFor(
    groupId,
    type,
    {
      protocol: attributes.protocol,
      fromPort: attributes.from_port,
      toPort: attributes.to_port,
      description: attributes.description,
    },
    {
      cidrs: strings(attributes.cidr_blocks),
      ipv6: strings(attributes.ipv6_cidr_blocks),
      prefixLists: strings(attributes.prefix_list_ids),
      groups: [...(source ? [source] : []), ...(attributes.self === true ? [groupId] : [])],
    },
    address,
  );
  return { groupId, rules };
}

/** aws_vpc_security_group_{ingress,egress}_rule: exactly one source, and its own sgr- id. */
function vpcRuleResource(
  attributes: Attributes,
  address: string,
  direction: Direction,
): { groupId: string; rules: Rule[] } {
  const groupId = text(attributes.security_group_id);
  if (!groupId) throw new RuleShapeError(`${address}.security_group_id: expected a group id, found none`);
  const ruleId = text(attributes.security_group_rule_id) ?? text(attributes.id);
  const rules = rulesFor(
    groupId,
    direction,
    {
      protocol: attributes.ip_protocol,
      fromPort: attributes.from_port,
      toPort: attributes.to_port,
      description: attributes.description,
      ...(ruleId?.startsWith('sgr-') ? { ruleId } : {}),
    },
    {
      cidrs: strings([attributes.cidr_ipv4]),
      ipv6: strings([attributes.cidr_ipv6]),
      prefixLists: strings([attributes.prefix_list_id]),
      groups: strings([attributes.referenced_security_group_id]),
    },
    address,
  );
  return { groupId, rules };
}

function inlineRules(attributes: Attributes, groupId: string, address: string): Rule[] {
  return (['ingress', 'egress'] as const).flatMap((direction) => {
    const blocks = Array.isArray(attributes[direction]) ? (attributes[direction] as unknown[]) : [];
    return blocks.filter(isObject).flatMap((block, index) =>
      rulesFor(
        groupId,
        direction,
        {
          protocol: block.protocol,
          fromPort: block.from_port,
          toPort: block.to_port,
          description: block.description,
        },
        {
          cidrs: strings(block.cidr_blocks),
          ipv6: strings(block.ipv6_cidr_blocks),
          prefixLists: strings(block.prefix_list_ids),
          groups: [...strings(block.security_groups), ...(block.self === true ? [groupId] : [])],
        },
        `${address}.${direction}[${index}]`,
      ),
    );
  });
}

/** Parses the JSON text of a state file (format version 4) into per-group baseline rules. */
export function parseTerraformState(json: string, source = 'terraform state'): StateBaseline {
  let state: unknown;
  try {
    state = JSON.parse(json);
  } catch (error) {
    throw new TerraformStateError(`${source}: not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!isObject(state)) throw new TerraformStateError(`${source}: expected a JSON object`);
  if (state.version !== 4)
    throw new TerraformStateError(
      `${source}: version: expected 4 (Terraform 0.12 or later), found ${JSON.stringify(state.version)}`,
    );

  const rules = new Map<string, Rule[]>();
  const incomplete = new Set<string>();
  const problems: string[] = [];
  const add = (groupId: string, found: Rule[]) =>
    rules.set(groupId, [...(rules.get(groupId) ?? []), ...found]);
  const groups: Array<{ groupId: string; instance: Instance }> = [];
  const targetedBySeparateRules = new Set<string>();

  for (const { type, instance } of instancesOf(state)) {
    const { attributes, address } = instance;
    if (type === 'aws_security_group') {
      const groupId = text(attributes.id);
      if (!groupId) {
        problems.push(`${address}: no id (not yet created?)`);
        continue;
      }
      if (!rules.has(groupId)) rules.set(groupId, []);
      groups.push({ groupId, instance });
      continue;
    }
    const groupId = text(attributes.security_group_id);
    if (groupId) targetedBySeparateRules.add(groupId);
    try {
      const parsed =
        type === 'aws_security_group_rule'
          ? legacyRuleResource(attributes, address)
          : vpcRuleResource(attributes, address, type.includes('egress') ? 'egress' : 'ingress');
      add(parsed.groupId, parsed.rules);
    } catch (error) {
      if (!(error instanceof RuleShapeError)) throw error;
      problems.push(error.message);
      if (groupId) incomplete.add(groupId);
    }
  }

  for (const { groupId, instance } of groups) {
    if (targetedBySeparateRules.has(groupId)) continue;
    try {
      add(groupId, inlineRules(instance.attributes, groupId, instance.address));
    } catch (error) {
      if (!(error instanceof RuleShapeError)) throw error;
      problems.push(error.message);
      incomplete.add(groupId);
    }
  }
  return { rules, incomplete, problems };
}

/** Merges several state files: a group's baseline is the union of what each file says about it. */
export function mergeBaselines(baselines: ReadonlyArray<StateBaseline>): StateBaseline {
  const rules = new Map<string, Rule[]>();
  for (const baseline of baselines)
    for (const [groupId, found] of baseline.rules)
      rules.set(groupId, [...(rules.get(groupId) ?? []), ...found]);
  return {
    rules,
    incomplete: new Set(baselines.flatMap((baseline) => [...baseline.incomplete])),
    problems: baselines.flatMap((baseline) => baseline.problems),
  };
}

/** The group's baseline from state: undefined when Terraform does not manage it or an entry was unreadable. */
export function baselineFromState(state: StateBaseline, groupId: string): Rule[] | undefined {
  if (state.incomplete.has(groupId)) return undefined;
  return state.rules.get(groupId);
}
