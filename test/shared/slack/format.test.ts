import { describe, expect, it } from 'vitest';
import type { Digest } from '../../../shared/audits/digest';
import { checkFinding } from '../../../shared/audits/findings';
import { type AlarmNotice, notificationOf } from '../../../shared/events/alarm';
import type { Finding } from '../../../shared/findings/finding';
import type { SecurityGroupPolicy } from '../../../shared/policy/schema';
import { escapeMrkdwn } from '../../../shared/slack/blocks';
import { digestBlocks } from '../../../shared/slack/digest-blocks';
import {
  alarmConsoleUrl,
  alarmMessage,
  alarmPosts,
  consoleFragmentEncode,
  findingMessage,
  resourceConsoleUrl,
  type Sourced,
  shortReason,
  unprocessableMessage,
} from '../../../shared/slack/format';
import { groupNamesOf, mentionText } from '../../../shared/slack/routes';
import { loadEvent } from '../../../simulated-account/load-event';
import { messageId, snsAlarm, stormRecords } from '../../../simulated-account/notifications';
import { allText, expectWithinBlockKitLimits } from '../../helpers/block-kit';

const options = { defaultRegion: 'ap-northeast-2' };

function alarmFrom(body: unknown): AlarmNotice {
  const notification = notificationOf(JSON.stringify(body));
  if (notification.type !== 'alarm') throw new Error(`not an alarm: ${JSON.stringify(notification)}`);
  return notification.alarm;
}
function findingFrom(sample: string): Finding {
  const notification = notificationOf(JSON.stringify(loadEvent(sample)));
  if (notification.type !== 'finding') throw new Error('not a finding');
  return notification.finding;
}
/** A finding as notify-slack reads it off the queue: through the Finding schema, so no field is lost on the way. */
function notificationOfFinding(finding: Finding): Finding {
  const envelope = loadEvent<Record<string, unknown>>('sns/finding-guardrail-breach.json');
  const notification = notificationOf(JSON.stringify({ ...envelope, Message: JSON.stringify(finding) }));
  if (notification.type !== 'finding') throw new Error(`not a finding: ${JSON.stringify(notification)}`);
  return notification.finding;
}
const sourced = (records: ReturnType<typeof stormRecords>['records']): Sourced<AlarmNotice>[] =>
  records.map((record) => ({ id: record.messageId, item: alarmFrom(JSON.parse(record.body)) }));

describe('console links', () => {
  it('encodes alarm names the way the CloudWatch console reads them: %XX written as $XX', () => {
    expect(consoleFragmentEncode('ecs/service/upscale')).toBe('ecs$2Fservice$2Fupscale');
    expect(consoleFragmentEncode('High 5XX % (api)')).toBe('High$205XX$20$25$20$28api$29');
    expect(consoleFragmentEncode('cost $ | <x>')).toBe('cost$20$24$20$7C$20$3Cx$3E');
    expect(alarmConsoleUrl('gateway-nlb/unhealthy-hosts', 'ap-northeast-2')).toBe(
      'https://ap-northeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-2#alarmsV2:alarm/gateway-nlb$2Funhealthy-hosts',
    );
  });

  it('leaves no character in a link that would end a Slack link early', () => {
    const url = alarmConsoleUrl('a|b>c<d e/f&g', 'eu-west-1');
    expect(url).not.toMatch(/[|<> &]/);
  });

  it('links findings to the security group, instance, target group, load balancer or certificate', () => {
    const tg =
      'arn:aws:elasticloadbalancing:ap-northeast-2:111122223333:targetgroup/gateway-tg-80/7e1c2a9b3f4d5e6a';
    expect(resourceConsoleUrl({ type: 'security-group', id: 'sg-0db00000000005432' }, 'ap-northeast-2')).toBe(
      'https://ap-northeast-2.console.aws.amazon.com/ec2/home?region=ap-northeast-2#SecurityGroup:groupId=sg-0db00000000005432',
    );
    expect(resourceConsoleUrl({ type: 'instance', id: 'i-0abc1234def567890' }, 'ap-northeast-2')).toContain(
      '#InstanceDetails:instanceId=i-0abc1234def567890',
    );
    expect(resourceConsoleUrl({ type: 'target-group', id: tg }, 'us-east-1')).toBe(
      `https://ap-northeast-2.console.aws.amazon.com/ec2/home?region=ap-northeast-2#TargetGroup:targetGroupArn=${tg}`,
    );
    expect(
      resourceConsoleUrl(
        { type: 'certificate', id: 'arn:aws:acm:ap-northeast-2:111122223333:certificate/1f2e3d4c-aaaa' },
        'ap-northeast-2',
      ),
    ).toBe(
      'https://ap-northeast-2.console.aws.amazon.com/acm/home?region=ap-northeast-2#/certificates/1f2e3d4c-aaaa',
    );
    expect(resourceConsoleUrl({ type: 'thing', id: 'whatever' }, 'ap-northeast-2')).toBeUndefined();
  });
});

describe('alarm layout, for each alarm sample in events/', () => {
  it.each([
    ['sns/alarm-unhealthy-hosts.json', 'Metric', '≥ 1'],
    ['sns/alarm-metric-math.json', 'Metric', '&lt; 0.5'],
    ['sns/alarm-composite.json', 'Rule', undefined],
    ['cloudwatch/alarm-state-change-metric.json', 'Metric', '≥ 1'],
    ['cloudwatch/alarm-state-change-composite.json', 'Triggered by', undefined],
  ])(
    '%s: state change with emoji, name, reason, metric/threshold, account, region and console link',
    (sample, detail, threshold) => {
      const alarm = alarmFrom(loadEvent(sample));
      const message = alarmMessage(alarm, options);
      const text = allText(message);

      expectWithinBlockKitLimits(message);
      const header = message.blocks[0];
      expect(header?.type === 'header' && header.text.text).toBe(
        `:red_circle: ALARM: ${escapeMrkdwn(alarm.name)}`,
      );
      expect(text).toContain('*OK → ALARM*');
      expect(text).toContain(alarm.reason.slice(0, 40).replaceAll('>', '&gt;'));
      expect(text).toContain(`*${detail}*`);
      if (threshold) expect(text).toContain(`*Threshold*\n${threshold}`);
      expect(text).toContain('111122223333 · ap-northeast-2');
      expect(text).toContain(
        `<${alarmConsoleUrl(alarm.name, 'ap-northeast-2')}|${escapeMrkdwn(alarm.name)}>`,
      );
      expect(message.text.startsWith('<!here> ALARM: ')).toBe(true);
    },
  );

  it('shows metric, statistic, period and dimensions of a metric alarm', () => {
    const text = allText(alarmMessage(alarmFrom(loadEvent('sns/alarm-unhealthy-hosts.json')), options));
    expect(text).toContain('AWS/NetworkELB UnHealthyHostCount (MAXIMUM, 60 s)');
    expect(text).toContain('TargetGroup=targetgroup/gateway-tg-80/7e1c2a9b3f4d5e6a');
  });

  it('shows the expression of a metric-math alarm', () => {
    const text = allText(alarmMessage(alarmFrom(loadEvent('sns/alarm-metric-math.json')), options));
    expect(text).toContain('e1: `healthy / (healthy + unhealthy)` (healthy fraction)');
  });

  it('links each triggering child of a composite alarm', () => {
    const text = allText(alarmMessage(alarmFrom(loadEvent('sns/alarm-composite.json')), options));
    expect(text).toContain(
      `<${alarmConsoleUrl('gateway-nlb/tls-handshake-errors', 'ap-northeast-2')}|gateway-nlb/tls-handshake-errors> (ALARM)`,
    );
  });

  it('notifies the channel (@here) on ALARM only', () => {
    const ok = alarmMessage(alarmFrom(snsAlarm({ state: 'OK', old: 'ALARM' })), options);
    expect(allText(ok)).not.toContain('<!here>');
    const header = ok.blocks[0];
    expect(header?.type === 'header' && header.text.text).toBe(
      ':large_green_circle: OK: gateway-nlb/unhealthy-hosts',
    );
  });

  it('escapes names and reasons so Slack shows them literally', () => {
    const text = allText(
      alarmMessage(alarmFrom(snsAlarm({ name: 'p99 <latency> & errors', reason: 'x > y' })), options),
    );
    expect(text).toContain('|p99 &lt;latency&gt; &amp; errors>');
    expect(text).toContain('x &gt; y');
  });

  it('stays within limits for a huge reason and a 255-character name, with a visible marker', () => {
    const message = alarmMessage(
      alarmFrom(snsAlarm({ name: 'n'.repeat(255), reason: 'why '.repeat(2000) })),
      options,
    );
    expectWithinBlockKitLimits(message);
    expect(allText(message)).toContain('… (truncated)');
  });
});

describe('finding layout', () => {
  const breach = findingFrom('sns/finding-guardrail-breach.json');

  it('says who did what, what netwarden did, with a link to the security group', () => {
    const message = findingMessage(breach, options);
    const text = allText(message);

    expectWithinBlockKitLimits(message);
    expect(text).toContain(':rotating_light: Guardrail breach on rds-postgres-sg (sg-0db…)');
    expect(text).toContain('*Who*\nalice@example.com in the console from 203.0.113.10');
    // The actor is said once, in Who: not again in What happened, the header or the context.
    expect(text).toContain(
      '*What happened*\nAuthorizeSecurityGroupIngress: opens 5432 to 0.0.0.0/0, forbidden by section gateway-db',
    );
    expect(text.split('alice@example.com').length - 1).toBe(2); // Who's display and its ARN

    expect(text).toContain(
      '<https://ap-northeast-2.console.aws.amazon.com/ec2/home?region=ap-northeast-2#SecurityGroup:groupId=sg-0db00000000005432|security-group rds-postgres-sg (sg-0db00000000005432)>',
    );
    expect(text).toContain(
      '*What netwarden did*\n• `RevokeSecurityGroupIngress sg-0db00000000005432 sgr-000000000000a0001`',
    );
    expect(text).toContain('ingress tcp 5432 from 0.0.0.0/0 (temp debug) (`sgr-000000000000a0001`)');
    expect(text).toContain('*Outcome*\nnetwarden acted');
    expect(message.text).toBe(
      '<!here> Guardrail breach on rds-postgres-sg (sg-0db…): ingress tcp 5432 from 0.0.0.0/0 revoked',
    );
  });

  it('names the account of an organisation by its policy name, in the header and beside its id', () => {
    const message = findingMessage(
      notificationOfFinding({ ...breach, account: '222233334444', accountName: 'gateway-prod' }),
      options,
    );
    const text = allText(message);

    expect(text).toContain(':rotating_light: gateway-prod: Guardrail breach on rds-postgres-sg (sg-0db…)');
    expect(text).toContain('*Account / region*\ngateway-prod (222233334444) · ap-northeast-2');
  });

  it('in report mode says what netwarden would do, and that it did not', () => {
    const text = allText(findingMessage({ ...breach, mode: 'report', outcome: 'would-act' }, options));
    expect(text).toContain('*What netwarden would do (report mode)*');
    expect(text).toContain('report mode: netwarden would act, and did not');
  });

  it('stays within limits with 500 rules and 100 actions', () => {
    const message = findingMessage(
      {
        ...breach,
        rules: Array.from({ length: 500 }, (_, i) => ({ summary: `ingress tcp ${i} from 10.0.0.0/8` })),
        actions: Array.from(
          { length: 100 },
          (_, i) => `RevokeSecurityGroupIngress sg-0db00000000005432 sgr-${i}`,
        ),
      },
      options,
    );
    expectWithinBlockKitLimits(message);
    expect(allText(message)).toContain('… (truncated)');
  });
});

describe('groups named as people know them (issue 17)', () => {
  const breach = findingFrom('sns/finding-guardrail-breach.json');
  const headerOf = (finding: Finding, with_ = options) => findingMessage(finding, with_).blocks[0];
  const bare = { ...breach, resource: { type: 'security-group', id: 'sg-0db00000000005432' } };

  it('names the group in the header and the notification text, its id shortened', () => {
    expect(headerOf(breach)).toEqual({
      type: 'header',
      text: {
        type: 'plain_text',
        text: ':rotating_light: Guardrail breach on rds-postgres-sg (sg-0db…): ingress tcp 5432 from 0.0.0.0/0 revoked',
        emoji: true,
      },
    });
  });

  it('shows the id alone, in full, when neither the finding nor the policy names the group', () => {
    expect(headerOf(bare)).toMatchObject({
      text: {
        text: ':rotating_light: Guardrail breach on sg-0db00000000005432: ingress tcp 5432 from 0.0.0.0/0 revoked',
      },
    });
    expect(findingMessage(bare, options).text).toBe(`<!here> ${breach.title}`);
  });

  it('takes the name from the finding details, then from the policy (groupNames)', () => {
    expect(headerOf({ ...bare, details: { groupName: 'from-details' } })).toMatchObject({
      text: { text: expect.stringContaining('Guardrail breach on from-details (sg-0db…):') },
    });
    const named = { ...options, groupNames: { 'sg-0db00000000005432': 'rds-postgres' } };
    expect(headerOf(bare, named)).toMatchObject({
      text: { text: expect.stringContaining('Guardrail breach on rds-postgres (sg-0db…):') },
    });
  });

  it('adds the group after a title that does not name it', () => {
    expect(headerOf({ ...breach, title: 'Grant expired' })).toMatchObject({
      text: { text: ':rotating_light: Grant expired · rds-postgres-sg (sg-0db…)' },
    });
  });

  it('reads names from securityGroups entries that select exactly one group by id', () => {
    const select = (s: Record<string, unknown>) => s as SecurityGroupPolicy['select'];
    const section = (name: string, s: Record<string, unknown>) =>
      ({ name, select: select(s), guardrailsOnly: false, forbid: [] }) as unknown as SecurityGroupPolicy;
    expect(
      groupNamesOf([
        section('rds-postgres', { ids: ['sg-0db00000000005432'] }),
        section('two', { ids: ['sg-0aa00000000000001', 'sg-0aa00000000000002'] }),
        section('tagged', { ids: ['sg-0bb00000000000001'], tags: { team: 'x' } }),
        section('everything', { all: true }),
      ]),
    ).toEqual({ 'sg-0db00000000005432': 'rds-postgres' });
  });
});

describe('never "nothing" beside a write (issue 17)', () => {
  const breach = findingFrom('sns/finding-guardrail-breach.json');
  it('a heal recovery that deletes heal tags lists the write, and its outcome does not say "no action"', () => {
    const recovered: Finding = {
      ...breach,
      kind: 'targets.recovered',
      severity: 'info',
      outcome: 'no-action',
      title: 'gateway-tg-80 recovered: 2 of 2 targets healthy (i-0abc0000000000001)',
      actions: ['ec2:DeleteTags i-0abc0000000000001 netwarden:heal-*'],
    };
    const text = allText(findingMessage(recovered, options));
    expect(text).toContain('*What netwarden did*\n• `ec2:DeleteTags i-0abc0000000000001 netwarden:heal-*`');
    expect(text).toContain('*Outcome*\nno remediation needed; netwarden made only the writes listed below');
    expect(text).not.toContain('no action taken');
    expect(text).not.toContain('*What netwarden did*\nnothing');
    expect(findingMessage(recovered, options).color).toBe('#2eb67d');
  });
  it('a finding with no write says nothing was done', () => {
    const text = allText(findingMessage({ ...breach, outcome: 'no-action', actions: [] }, options));
    expect(text).toContain('*Outcome*\nno action taken');
    expect(text).toContain('*What netwarden did*\nnothing');
  });
});

describe('storms', () => {
  it("says a storm's first and last times in the policy's timezone", () => {
    const { records } = stormRecords(10);
    const posts = alarmPosts(sourced(records), { ...options, timezone: 'Asia/Seoul' });
    const intro = JSON.stringify(posts[0]?.message.blocks[1]);
    expect(intro).toMatch(
      /between \d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\+9 and \d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\+9\./,
    );
  });

  it('100 alarms in one batch make at most 5 messages, naming every alarm, each message valid', () => {
    const { records, names } = stormRecords(100);

    const posts = alarmPosts(sourced(records), options);

    expect(posts.length).toBeLessThanOrEqual(5);
    for (const post of posts) expectWithinBlockKitLimits(post.message);
    const text = posts.map((post) => allText(post.message)).join('\n');
    for (const name of names) expect(text).toContain(`|${name}>`);
    expect(posts.flatMap((post) => post.ids).sort()).toEqual(
      records.map((record) => record.messageId).sort(),
    );
    expect(
      posts.map((post) => post.message.blocks[0]?.type === 'header' && post.message.blocks[0].text.text),
    ).toEqual([
      ':red_circle: 50 alarms → ALARM',
      ':white_circle: 25 alarms → INSUFFICIENT_DATA',
      ':large_green_circle: 25 alarms → OK',
    ]);
    expect(posts[0]?.message.text).toBe('<!here> 50 alarms → ALARM');
  });

  it('splits a summary across messages when 50 blocks cannot hold every name', () => {
    const { records, names } = stormRecords(2000);

    const posts = alarmPosts(sourced(records), options);

    expect(posts.length).toBeGreaterThan(3);
    for (const post of posts) expectWithinBlockKitLimits(post.message);
    const text = posts.map((post) => allText(post.message)).join('\n');
    for (const name of names) expect(text).toContain(`|${name}>`);
    expect(text).not.toContain('… (truncated)');
  });

  it('shows an alarm that flapped OK → ALARM → OK once, with its last state by timestamp, not arrival', () => {
    const name = 'gateway-nlb/unhealthy-hosts';
    const flaps = [
      snsAlarm({ name, state: 'OK', old: 'ALARM', time: '2025-06-12T03:44:00.000+0000' }), // arrives first, happened last
      snsAlarm({ name, state: 'ALARM', old: 'OK', time: '2025-06-12T03:42:00.000+0000' }),
      snsAlarm({ name, state: 'OK', old: 'ALARM', time: '2025-06-12T03:43:00.000+0000' }),
      snsAlarm({ name, state: 'ALARM', old: 'OK', time: '2025-06-12T03:43:30.000+0000' }),
    ];
    const ids = flaps.map(() => messageId());

    const posts = alarmPosts(
      flaps.map((body, i) => ({ id: ids[i] ?? '', item: alarmFrom(body) })),
      options,
    );

    expect(posts).toHaveLength(1);
    expect(posts[0]?.ids).toEqual(ids);
    const text = allText(posts[0]?.message ?? { text: '', blocks: [] as const });
    expect(text).toContain(':large_green_circle: OK: gateway-nlb/unhealthy-hosts');
    expect(text).toContain('Changed state 4 times in this batch; showing the last');
    expect(text).not.toContain('<!here>');
  });

  it('counts the same change delivered by SNS and by EventBridge once', () => {
    const viaSns = alarmFrom(loadEvent('sns/alarm-unhealthy-hosts.json'));
    const viaEvents = alarmFrom(loadEvent('cloudwatch/alarm-state-change-metric.json'));

    const posts = alarmPosts(
      [
        { id: 'a', item: viaSns },
        { id: 'b', item: viaEvents },
      ],
      options,
    );

    expect(posts).toHaveLength(1);
    expect(posts[0]?.ids).toEqual(['a', 'b']);
    expect(allText(posts[0]?.message ?? { text: '', blocks: [] as const })).not.toContain('Changed state');
  });

  it('gives up to three distinct alarms a detailed message each', () => {
    const posts = alarmPosts(
      ['a', 'b', 'c'].map((name) => ({ id: name, item: alarmFrom(snsAlarm({ name })) })),
      options,
    );
    expect(posts.map((post) => [post.kind, post.ids])).toEqual([
      ['alarm', ['a']],
      ['alarm', ['b']],
      ['alarm', ['c']],
    ]);
  });
});

it('summarises unreadable messages in one short notice', () => {
  const message = unprocessableMessage([
    { id: 'm-1', item: { reason: 'body: not JSON' } },
    { id: 'm-2', item: { reason: 'body: neither <a> nor <b>' } },
  ]);
  expectWithinBlockKitLimits(message);
  expect(message.text).toBe('notify-slack could not read 2 messages');
  expect(allText(message)).toContain('• message `m-2`: body: neither &lt;a&gt; nor &lt;b&gt;');
});

describe('shortReason', () => {
  it('says a threshold crossing in a few characters', () => {
    expect(shortReason(alarmFrom(loadEvent('sns/alarm-unhealthy-hosts.json')))).toBe('2.0 ≥ 1.0');
    expect(
      shortReason(
        alarmFrom(
          snsAlarm({
            reason:
              'Threshold Crossed: 2 out of the last 3 datapoints [0.0 (12/06/25 03:41:00), 0.0 (12/06/25 03:40:00)] was not greater than or equal to the threshold (1.0) (minimum 2 datapoints for ALARM -> OK transition).',
          }),
        ),
      ),
    ).toBe('0.0 not ≥ 1.0');
  });

  it('abbreviates any other reason with a plain ellipsis', () => {
    const reason = shortReason(alarmFrom(snsAlarm({ reason: `Composite ${'x'.repeat(200)}` })));
    expect(reason).toHaveLength(90);
    expect(reason.endsWith('x…')).toBe(true);
  });
});

describe('digest findings (daily-check, weekly-check)', () => {
  const digest: Digest = {
    check: 'weekly',
    title: 'Weekly check 2026-11-23',
    counts: [{ label: 'Certificates expiring', value: '1', status: 'critical' }],
    sections: [
      {
        title: 'TLS certificates',
        severity: 'critical',
        items: ['old-gateway.example.com: EXPIRED on 2026-11-20'],
        omitted: 0,
      },
      {
        title: 'Idle load balancers (no new flow in 7 days)',
        severity: 'warning',
        items: ['old-gateway-nlb: $18.36/month'],
        omitted: 3,
      },
    ],
    allClear: 'Weekly check 2026-11-23: all clear',
  };

  it('posts the digest as the check laid it out, counts first, within Block Kit limits, @here when critical', () => {
    const finding = checkFinding(digest, new Date('2026-11-23T00:00:00Z'), {
      account: '111122223333',
      region: 'ap-northeast-2',
    });

    const message = findingMessage(structuredClone(finding), options);

    expectWithinBlockKitLimits(message);
    expect(message).toEqual({ ...digestBlocks(digest, { here: true }), color: '#e01e5a' });
    // A route's mention replaces @here (app mode); `none` says nothing.
    const routed = findingMessage(finding, { ...options, mention: mentionText(['S0DBTEAM001']) });
    expect(routed.text).toBe(`<!subteam^S0DBTEAM001> ${digestBlocks(digest).text}`);
    expect(findingMessage(finding, { ...options, mention: mentionText('none') }).text).toBe(
      digestBlocks(digest).text,
    );
    expect(message.text).toBe(`<!here> ${digestBlocks(digest).text}`);
    const text = allText(message);
    expect(text).toContain('TLS certificates');
    expect(text).toContain('old-gateway-nlb: $18.36/month');
  });

  it('falls back to the ordinary finding layout when the digest is missing or malformed', () => {
    const finding = {
      ...checkFinding(digest, new Date('2026-11-23T00:00:00Z')),
      details: { digest: { title: 42 } },
    };

    const message = findingMessage(finding, options);

    expect(allText(message)).toContain('What happened');
  });
});
