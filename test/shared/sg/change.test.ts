/** Parsing real-shaped CloudTrail records (events/cloudtrail) into SgChange. */
import { describe, expect, it } from 'vitest';
import { Unprocessable } from '../../../shared/errors';
import { type CloudTrailDetail, CloudTrailEnvelope } from '../../../shared/events/cloudtrail';
import { sgEventOf } from '../../../shared/sg/change';
import { loadEvent } from '../../../simulated-account/load-event';

function detailOf(file: string): CloudTrailDetail {
  return CloudTrailEnvelope.parse(loadEvent(`cloudtrail/${file}`)).detail;
}

describe('sgEventOf', () => {
  it('reads the nested Authorize form and its response rule ids', () => {
    const event = sgEventOf(detailOf('authorize-ingress-console-world-5432.json'));
    expect(event.actor).toMatchObject({
      viaConsole: true,
      sourceIp: '203.0.113.45',
      sessionName: 'alice@example.com',
    });
    expect(event.change).toMatchObject({
      action: 'added',
      direction: 'ingress',
      created: [
        {
          protocol: 'tcp',
          fromPort: 5432,
          toPort: 5432,
          peer: { type: 'ipv4', cidr: '0.0.0.0/0' },
          ruleId: expect.stringMatching(/^sgr-/),
        },
      ],
      // The response names every created rule: the request's rules are not read.
      requested: [],
    });
  });

  it('reads the nested request form when the response names no created rule (older callers)', () => {
    const detail = detailOf('authorize-ingress-console-world-5432.json');
    detail.responseElements = { _return: true };
    expect(sgEventOf(detail).change).toMatchObject({
      action: 'added',
      created: [],
      requested: [{ peer: { type: 'ipv4', cidr: '0.0.0.0/0' }, description: 'temp debug' }],
    });
  });

  it('reads the legacy flat form', () => {
    const detail = detailOf('authorize-ingress-legacy-flat.json');
    detail.responseElements = { _return: true };
    const event = sgEventOf(detail);
    expect(event.change).toMatchObject({
      action: 'added',
      created: [],
      requested: [{ fromPort: 22, peer: { cidr: '0.0.0.0/0' } }],
    });
    expect(event.actor.display).toBe('IAM user legacy-script');
  });

  it('reads IPv6, prefix-list and group sources and request tags (plain array, no items wrapper)', () => {
    const event = sgEventOf(detailOf('authorize-ingress-multi-source.json'));
    if (event.change?.action !== 'added') throw new Error('expected an added change');
    expect(event.change.created.map((rule) => rule.peer.type)).toEqual([
      'ipv6',
      'prefix-list',
      'security-group',
    ]);
    expect(event.change.created[0]?.tags).toEqual({ Owner: 'ops' });
  });

  it('reads ModifySecurityGroupRules (PascalCase, object or array) without a direction', () => {
    const event = sgEventOf(detailOf('modify-security-group-rules-console.json'));
    expect(event.change).toMatchObject({
      action: 'modified',
      modifications: [{ ruleId: expect.stringMatching(/^sgr-/), peer: { cidr: '10.0.0.0/8' } }],
    });
    const detail = detailOf('modify-security-group-rules-console.json');
    const request = detail.requestParameters as {
      ModifySecurityGroupRulesRequest: { SecurityGroupRule: unknown };
    };
    const single = request.ModifySecurityGroupRulesRequest.SecurityGroupRule;
    request.ModifySecurityGroupRulesRequest.SecurityGroupRule = [single, single];
    const twice = sgEventOf(detail);
    expect(twice.change?.action === 'modified' && twice.change.modifications).toHaveLength(2);
  });

  it('reads Revoke by rule id (response with flat referencedGroupId) and by properties', () => {
    expect(sgEventOf(detailOf('revoke-ingress-by-id-console.json')).change).toMatchObject({
      action: 'removed',
      ruleIds: [expect.stringMatching(/^sgr-/)],
      removed: [{ peer: { type: 'security-group', groupId: 'sg-0c0ffee0000000002' } }],
    });
    expect(sgEventOf(detailOf('revoke-ingress-by-properties-cli.json')).change).toMatchObject({
      action: 'removed',
      removed: [{ peer: { cidr: '10.20.0.0/16' } }],
    });
  });

  it('does not parse the parameters of a failed call', () => {
    const event = sgEventOf(detailOf('authorize-ingress-failed-duplicate.json'));
    expect(event).toMatchObject({ errorCode: 'Client.InvalidPermission.Duplicate' });
    expect(event.change).toBeUndefined();
  });

  it('names the field and the value of an unknown protocol', () => {
    const detail = detailOf('authorize-ingress-console-world-5432.json');
    const items = (detail.requestParameters as { ipPermissions: { items: Array<{ ipProtocol: string }> } })
      .ipPermissions.items;
    if (items[0]) items[0].ipProtocol = 'sctp-ish';
    (detail as { responseElements: unknown }).responseElements = { _return: true };
    expect(() => sgEventOf(detail)).toThrowError(Unprocessable);
    expect(() => sgEventOf(detail)).toThrowError(
      'requestParameters.ipPermissions.items[0].ipProtocol: expected an IP protocol, found "sctp-ish"',
    );
  });

  it('refuses events from other services', () => {
    const detail = { ...detailOf('authorize-ingress-terraform.json'), eventSource: 's3.amazonaws.com' };
    expect(() => sgEventOf(detail)).toThrowError(
      'detail.eventSource: expected ec2.amazonaws.com, found "s3.amazonaws.com"',
    );
  });
});

/** CloudTrail drops requestParameters above 100 KB; older callers name a default-VPC group by name only. */
describe('sgEventOf on partial events: decide from what the event carries', () => {
  const WORLD_5432 = 'authorize-ingress-console-world-5432.json';

  it.each([
    ['absent', undefined],
    ['null', null],
  ])(
    'reads an Authorize whose requestParameters is %s from responseElements.securityGroupRuleSet',
    (_name, value) => {
      const detail = detailOf(WORLD_5432);
      if (value === undefined) delete (detail as { requestParameters?: unknown }).requestParameters;
      else detail.requestParameters = value;
      expect(sgEventOf(detail).change).toEqual({
        action: 'added',
        group: { groupId: 'sg-0db00000000005432' },
        direction: 'ingress',
        created: [
          {
            groupId: 'sg-0db00000000005432',
            direction: 'ingress',
            protocol: 'tcp',
            fromPort: 5432,
            toPort: 5432,
            peer: { type: 'ipv4', cidr: '0.0.0.0/0' },
            ruleId: 'sgr-000000000000a001f',
            description: 'temp debug',
            tags: {},
          },
        ],
        requested: [],
      });
    },
  );

  it('keeps the tags the response carries when the request is gone', () => {
    const detail = detailOf(WORLD_5432);
    delete (detail as { requestParameters?: unknown }).requestParameters;
    const response = detail.responseElements as {
      securityGroupRuleSet: { items: Array<Record<string, unknown>> };
    };
    const [item] = response.securityGroupRuleSet.items;
    if (item) item.tagSet = { items: [{ key: 'netwarden:ignore', value: 'INC-1' }] };
    const change = sgEventOf(detail).change;
    expect(change?.action === 'added' && change.created[0]?.tags).toEqual({ 'netwarden:ignore': 'INC-1' });
  });

  it('takes the group of a name-only request from the response, and keeps the name for people only', () => {
    const detail = detailOf(WORLD_5432);
    detail.requestParameters = {
      ...detail.requestParameters,
      groupId: undefined,
      groupName: 'rds-postgres-sg',
    };
    expect(sgEventOf(detail).change).toMatchObject({
      action: 'added',
      group: { groupId: 'sg-0db00000000005432', groupName: 'rds-postgres-sg' },
      created: [{ groupId: 'sg-0db00000000005432', ruleId: 'sgr-000000000000a001f' }],
      requested: [],
    });
  });

  it('judges the rules the response names though a request item names its source group by name only', () => {
    const detail = detailOf(WORLD_5432);
    const request = detail.requestParameters as { ipPermissions: { items: Array<Record<string, unknown>> } };
    const [permission] = request.ipPermissions.items;
    if (permission) permission.groups = { items: [{ groupName: 'default', userId: '111122223333' }] };
    expect(sgEventOf(detail).change).toMatchObject({
      action: 'added',
      group: { groupId: 'sg-0db00000000005432' },
      created: [{ peer: { type: 'ipv4', cidr: '0.0.0.0/0' }, ruleId: 'sgr-000000000000a001f' }],
      requested: [],
    });
  });

  it('refuses to guess a group from its name alone: names are unique per VPC only', () => {
    expect(() => sgEventOf(detailOf('authorize-ingress-group-name-only.json'))).toThrowError(
      'requestParameters.groupName: "rds-postgres-sg" names no group id, and responseElements.securityGroupRuleSet names none either; a group name is unique per VPC only, so netwarden does not look it up',
    );
  });

  it('refuses an event whose response names another group than its request', () => {
    const detail = detailOf(WORLD_5432);
    const response = detail.responseElements as {
      securityGroupRuleSet: { items: Array<Record<string, unknown>> };
    };
    const [item] = response.securityGroupRuleSet.items;
    if (item) item.groupId = 'sg-0c0ffee0000000001';
    expect(() => sgEventOf(detail)).toThrowError(
      'responseElements.securityGroupRuleSet.items[0].groupId: expected sg-0db00000000005432 (the group requestParameters.groupId names), found "sg-0c0ffee0000000001"',
    );
  });

  it('says what is missing when neither request nor response names a group', () => {
    const detail = detailOf(WORLD_5432);
    delete (detail as { requestParameters?: unknown }).requestParameters;
    detail.responseElements = { _return: true };
    expect(() => sgEventOf(detail)).toThrowError(
      'requestParameters: absent (CloudTrail omits it above 100 KB), and responseElements.securityGroupRuleSet names no group either',
    );
  });

  it('reads a Revoke without requestParameters from responseElements.revokedSecurityGroupRuleSet', () => {
    const detail = detailOf('revoke-ingress-by-id-console.json');
    delete (detail as { requestParameters?: unknown }).requestParameters;
    expect(sgEventOf(detail).change).toMatchObject({
      action: 'removed',
      group: { groupId: expect.stringMatching(/^sg-/) },
      ruleIds: [],
      removed: [{ peer: { type: 'security-group', groupId: 'sg-0c0ffee0000000002' } }],
    });
  });

  it('reports a ModifySecurityGroupRules without requestParameters: nothing names the rules', () => {
    const detail = detailOf('modify-security-group-rules-console.json');
    delete (detail as { requestParameters?: unknown }).requestParameters;
    expect(() => sgEventOf(detail)).toThrowError(
      'requestParameters: expected ModifySecurityGroupRulesRequest, found nothing (CloudTrail omits it above 100 KB, and the response names no rule): which group and rules this call changed is unknown, so the change could not be judged; check the rules the caller can edit by hand',
    );
  });
});
