/** Which protection tags a CreateTags/DeleteTags call takes away or puts back: pure. */
import { describe, expect, it } from 'vitest';
import { CtTagsRequest } from '../../../shared/events/cloudtrail';
import { parsePolicy } from '../../../shared/policy/load';
import { protectionTagChanges, protectionTagGains, securityGroupsOf } from '../../../shared/sg/protection';

const policy = parsePolicy(`version: 1
securityGroups:
  - name: everywhere
    select: { all: true }
    guardrailsOnly: true
  - name: front-door
    select: { tags: { "netwarden:protect": "true" } }
  - name: databases
    select: { tags: { "netwarden:protect": "true", "netwarden:tier": "database" } }
`);
const request = (tags: Array<{ key: string; value?: string }>, resources = ['sg-1', 'i-1', 'sg-2']) => ({
  resourcesSet: resources.map((resourceId) => ({ resourceId })),
  tagSet: tags,
});

describe('securityGroupsOf', () => {
  it('keeps the security groups of a call that may tag other resources too', () => {
    expect(securityGroupsOf(request([], ['sg-1', 'i-1', 'sgr-1', 'sg-1', 'sg-2']))).toEqual(['sg-1', 'sg-2']);
  });
});

describe('protectionTagGains', () => {
  it('is every group a CreateTags sets a selector tag on, to its selected value', () => {
    expect(
      protectionTagGains('CreateTags', request([{ key: 'netwarden:protect', value: 'true' }]), policy),
    ).toEqual([
      { groupId: 'sg-1', key: 'netwarden:protect', value: 'true', sections: ['front-door', 'databases'] },
      { groupId: 'sg-2', key: 'netwarden:protect', value: 'true', sections: ['front-door', 'databases'] },
    ]);
  });

  it('is nothing for another value, another tag, or DeleteTags', () => {
    expect(
      protectionTagGains('CreateTags', request([{ key: 'netwarden:protect', value: 'TRUE' }]), policy),
    ).toEqual([]);
    expect(protectionTagGains('CreateTags', request([{ key: 'Owner', value: 'true' }]), policy)).toEqual([]);
    expect(
      protectionTagGains('DeleteTags', request([{ key: 'netwarden:protect', value: 'true' }]), policy),
    ).toEqual([]);
  });
});

describe('protectionTagChanges', () => {
  it('is a selector tag deleted, or set to anything but its selected value', () => {
    expect(
      protectionTagChanges('DeleteTags', request([{ key: 'netwarden:tier' }], ['sg-1']), policy),
    ).toEqual([{ groupId: 'sg-1', key: 'netwarden:tier', now: { deleted: true }, sections: ['databases'] }]);
    expect(
      protectionTagChanges(
        'CreateTags',
        request([{ key: 'netwarden:protect', value: 'no' }], ['sg-1']),
        policy,
      ),
    ).toEqual([
      {
        groupId: 'sg-1',
        key: 'netwarden:protect',
        now: { value: 'no' },
        sections: ['front-door', 'databases'],
      },
    ]);
    expect(
      protectionTagChanges('CreateTags', request([{ key: 'netwarden:protect', value: 'true' }]), policy),
    ).toEqual([]);
  });

  it('is every selector tag, with all its sections, when a DeleteTags names no tag (EC2 then deletes them all)', () => {
    // CloudTrail records such a call with `tagSet: {}`, or without tagSet at all.
    for (const requestParameters of [
      { resourcesSet: { items: [{ resourceId: 'sg-1' }] }, tagSet: {} },
      { resourcesSet: { items: [{ resourceId: 'sg-1' }] } },
    ]) {
      expect(protectionTagChanges('DeleteTags', CtTagsRequest.parse(requestParameters), policy)).toEqual([
        {
          groupId: 'sg-1',
          key: 'netwarden:protect',
          now: { deleted: true, everyTag: true },
          sections: ['front-door', 'databases'],
        },
        {
          groupId: 'sg-1',
          key: 'netwarden:tier',
          now: { deleted: true, everyTag: true },
          sections: ['databases'],
        },
      ]);
    }
    // A CreateTags with no tag changes nothing (EC2 rejects it anyway).
    expect(protectionTagChanges('CreateTags', request([], ['sg-1']), policy)).toEqual([]);
  });
});
