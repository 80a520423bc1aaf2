/**
 * Issue 11: "a grant owner or an alarm name like `<!channel> <https://evil.example|Approve access>`
 * reaches Slack raw in the message's top-level `text`". Every field that carries text from outside
 * netwarden — findings, alarms, storms, digests, unreadable messages — is made hostile, and the whole
 * JSON payload is walked: nothing may reach Slack unescaped, anywhere, while netwarden's own `@here`
 * and console links keep working and every limit still holds after escaping made the text longer.
 */
import { describe, expect, it } from 'vitest';
import { type AlarmNotice, notificationOf } from '../../../shared/events/alarm';
import type { Finding } from '../../../shared/findings/finding';
import { escapeMrkdwn, type SlackMessage, violations } from '../../../shared/slack/blocks';
import {
  alarmConsoleUrl,
  alarmMessage,
  alarmPosts,
  findingMessage,
  unprocessableMessage,
} from '../../../shared/slack/format';
import { loadEvent } from '../../../simulated-account/load-event';
import { snsAlarm } from '../../../simulated-account/notifications';
import { expectWithinBlockKitLimits, payloadStrings, unescapedPlaces } from '../../helpers/block-kit';

const options = { defaultRegion: 'ap-northeast-2' };
const hostile = (where: string) => `<!channel> <https://evil.example|Approve ${where}> & co`;
const shown = (where: string) => escapeMrkdwn(hostile(where));

function alarmFrom(body: unknown): AlarmNotice {
  const notification = notificationOf(JSON.stringify(body));
  if (notification.type !== 'alarm') throw new Error('not an alarm');
  return notification.alarm;
}
function findingFrom(sample: string): Finding {
  const notification = notificationOf(JSON.stringify(loadEvent(sample)));
  if (notification.type !== 'finding') throw new Error('not a finding');
  return notification.finding;
}

/** Where in the payload a text shows, by JSON path. */
const placesOf = (message: SlackMessage, text: string) =>
  payloadStrings(JSON.parse(JSON.stringify(message)))
    .filter((entry) => entry.text.includes(text))
    .map((entry) => entry.path);

function expectSafe(message: SlackMessage): void {
  expect(unescapedPlaces(message)).toEqual([]);
  expect(violations(message)).toEqual([]);
  expectWithinBlockKitLimits(message);
}

describe('findings', () => {
  const breach = findingFrom('sns/finding-guardrail-breach.json');
  const grant: Finding = {
    ...breach,
    kind: 'grant.created',
    severity: 'critical',
    title: `Temporary access granted on sg-0db00000000005432: tcp 5432 from 10.0.0.0/8 for ${hostile('owner')}`,
    why: `${hostile('owner')}: ${hostile('reason')} (ttl 1h)`,
  };

  it('a grant owner in the title reaches the top-level text and the header escaped, @here intact', () => {
    const message = findingMessage(grant, options);

    expectSafe(message);
    expect(message.text).toBe(
      `<!here> Temporary access granted on rds-postgres-sg (sg-0db…): tcp 5432 from 10.0.0.0/8 for ${shown('owner')}`,
    );
    expect(placesOf(message, shown('owner'))).toEqual(['$.text', '$.blocks[1].text.text']);
    // The header keeps 150 characters: the owner starts there, escaped, and the cut is marked.
    const header = message.blocks[0];
    expect(header?.type === 'header' && header.text.text).toMatch(
      /^:rotating_light: Temporary access granted on rds-postgres-sg \(sg-0db…\): tcp 5432 from 10\.0\.0\.0\/8 for &lt;!channel&gt; &lt;https:\/\/evil\.ex… \(truncated\)$/,
    );
    const what = message.blocks[1];
    expect(what?.type === 'section' && what.text?.text).toBe(
      `<!here> *What happened*\n${shown('owner')}: ${shown('reason')} (ttl 1h)`,
    );
  });

  it.each([
    ['title', (text: string): Partial<Finding> => ({ title: text })],
    ['why', (text: string) => ({ why: text })],
    ['actor display', (text: string) => ({ actor: { display: text, viaConsole: false } })],
    ['actor arn', (text: string) => ({ actor: { display: 'alice', arn: text, viaConsole: false } })],
    [
      'actor source ip',
      (text: string) => ({ actor: { display: 'alice', sourceIp: text, viaConsole: true } }),
    ],
    [
      'resource name',
      (text: string) => ({ resource: { type: 'security-group', id: 'sg-0abc', name: text } }),
    ],
    ['resource type', (text: string) => ({ resource: { type: text, id: 'sg-0abc' } })],
    ['resource id', (text: string) => ({ resource: { type: 'instance', id: text } })],
    [
      'target group id',
      (text: string) => ({
        resource: {
          type: 'target-group',
          id: `arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/${text}`,
        },
      }),
    ],
    ['rule summary', (text: string) => ({ rules: [{ summary: text, ruleId: 'sgr-1' }] })],
    ['rule id', (text: string) => ({ rules: [{ summary: 'ingress tcp 22', ruleId: text }] })],
    ['action', (text: string) => ({ actions: [text] })],
    ['account', (text: string) => ({ account: text })],
    ['region', (text: string) => ({ region: text })],
    ['event id', (text: string) => ({ eventId: text })],
    ['time', (text: string) => ({ time: text })],
  ])('%s: shown escaped, nowhere raw', (where, change) => {
    const message = findingMessage({ ...breach, ...change(hostile(where)) }, options);

    expectSafe(message);
    expect(JSON.stringify(message)).not.toContain('<!channel>');
    expect(JSON.stringify(message)).not.toContain('<https://evil.example');
    if (where !== 'target group id') expect(placesOf(message, shown(where)).length).toBeGreaterThan(0);
  });

  it('a forged region never becomes the host of a console link: the resource is shown unlinked', () => {
    const message = findingMessage({ ...breach, region: 'evil.example/#' }, options);

    expectSafe(message);
    const fields = message.blocks[2];
    expect(fields?.type === 'section' && fields.fields?.[1]?.text).toBe(
      '*Resource*\nsecurity-group rds-postgres-sg (sg-0db00000000005432)',
    );
  });

  it("netwarden's own console link still works next to an escaped name", () => {
    const message = findingMessage(
      { ...breach, resource: { type: 'security-group', id: 'sg-0db00000000005432', name: hostile('name') } },
      options,
    );

    expect(JSON.stringify(message)).toContain(
      `<https://ap-northeast-2.console.aws.amazon.com/ec2/home?region=ap-northeast-2#SecurityGroup:groupId=sg-0db00000000005432|security-group ${shown('name')} (sg-0db00000000005432)>`,
    );
  });

  it('keeps every limit when escaping makes a long title and why three to five times longer', () => {
    const message = findingMessage(
      {
        ...breach,
        title: '<'.repeat(1000),
        why: '&'.repeat(5000),
        rules: Array.from({ length: 300 }, () => ({ summary: '>'.repeat(40) })),
      },
      options,
    );

    expectSafe(message);
    const header = message.blocks[0];
    expect(header?.type === 'header' && header.text.text).toMatch(
      /^:rotating_light: (&lt;)+… \(truncated\)$/,
    );
    expect(message.text).toMatch(/^<!here> (&lt;)+… \(truncated\)$/);
    expect(message.text.length).toBeLessThanOrEqual(3000);
  });
});

describe('alarms', () => {
  const base = alarmFrom(loadEvent('sns/alarm-unhealthy-hosts.json'));
  const composite = alarmFrom(loadEvent('sns/alarm-composite.json'));

  it('an alarm name reaches the top-level text, header, link label escaped; its console link still opens it', () => {
    const alarm = { ...base, name: hostile('name') };

    const message = alarmMessage(alarm, options);

    expectSafe(message);
    expect(message.text).toBe(`<!here> ALARM: ${shown('name')} (OK → ALARM) in 111122223333 ap-northeast-2`);
    expect(placesOf(message, shown('name'))).toEqual([
      '$.text',
      '$.blocks[0].text.text',
      '$.blocks[1].text.text',
    ]);
    const intro = message.blocks[1];
    expect(intro?.type === 'section' && intro.text?.text).toBe(
      `<!here> *OK → ALARM* · <${alarmConsoleUrl(alarm.name, 'ap-northeast-2')}|${shown('name')}>\n${base.description}`,
    );
  });

  it.each([
    ['description', (text: string): Partial<AlarmNotice> => ({ description: text })],
    ['reason', (text: string) => ({ reason: text })],
    ['account', (text: string) => ({ account: text })],
    ['region', (text: string) => ({ region: text })],
    ['timestamp', (text: string) => ({ timestamp: text })],
    ['actions suppressed by', (text: string) => ({ actionsSuppressedBy: text })],
    ['comparison', (text: string) => ({ comparison: text })],
    [
      'metric',
      (text: string) => ({
        metrics: [{ namespace: text, name: text, statistic: text, dimensions: { [text]: text } }],
      }),
    ],
    [
      'metric expression',
      (text: string) => ({ metrics: [{ id: text, expression: text, label: text, dimensions: {} }] }),
    ],
  ])('%s: shown escaped, nowhere raw', (where, change) => {
    const message = alarmMessage({ ...base, ...change(hostile(where)) }, options);

    expectSafe(message);
    expect(placesOf(message, shown(where)).length).toBeGreaterThan(0);
  });

  it('composite rule and children names: shown escaped, nowhere raw', () => {
    const alarm: AlarmNotice = {
      ...composite,
      composite: {
        rule: hostile('rule'),
        children: [
          {
            arn: 'arn:aws:cloudwatch:ap-northeast-2:111122223333:alarm:x',
            name: hostile('child'),
            state: 'ALARM',
          },
        ],
      },
    };

    const message = alarmMessage(alarm, options);

    expectSafe(message);
    expect(placesOf(message, shown('rule')).length).toBe(1);
    expect(placesOf(message, shown('child')).length).toBe(1);
  });

  it('a storm summary escapes every name and reason, in the list and the top-level text', () => {
    const alarms = Array.from({ length: 8 }, (_, i) => ({
      id: `m-${i}`,
      item: {
        ...alarmFrom(snsAlarm({ name: hostile(`name ${i}`), reason: hostile(`reason ${i}`) })),
        account: hostile('account'),
      },
    }));

    const posts = alarmPosts(alarms, options);

    expect(posts.map((post) => post.kind)).toEqual(['alarm-summary']);
    for (const post of posts) expectSafe(post.message);
    const payload = JSON.stringify(posts.map((post) => post.message));
    for (let i = 0; i < 8; i += 1) {
      expect(payload).toContain(`|${shown(`name ${i}`)}>`);
      expect(payload).toContain(shown(`reason ${i}`).slice(0, 40));
    }
    expect(posts[0]?.message.text).toBe('<!here> 8 alarms → ALARM');
  });
});

it('unreadable messages: id, source and reason shown escaped, nowhere raw', () => {
  const message = unprocessableMessage([
    { id: hostile('id'), item: { reason: hostile('reason'), source: hostile('source') } },
  ]);

  expectSafe(message);
  for (const where of ['id', 'reason', 'source']) expect(placesOf(message, shown(where)).length).toBe(1);
});
