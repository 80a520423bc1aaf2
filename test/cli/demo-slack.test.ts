import { expect, it } from 'vitest';
import { renderSlackText } from '../../cli/demo/slack';
import { slackPayload } from '../../shared/slack/blocks';
import { alarmMessage } from '../../shared/slack/format';
import { loadEvent } from '../../simulated-account/load-event';
import { alarmFrom } from '../../simulated-account/notifications';

it('renders a Block Kit message as terminal text: emoji, @here, fields, links listed by number', () => {
  const message = alarmMessage(alarmFrom(loadEvent('sns/alarm-unhealthy-hosts.json')), {
    defaultRegion: 'ap-northeast-2',
  });

  const lines = renderSlackText(message);

  expect(lines[0]).toBe(
    '┌ notification: @here ALARM: gateway-nlb/unhealthy-hosts (OK → ALARM) in 111122223333 ap-northeast-2',
  );
  expect(lines).toContain('│ ▌🔴 ALARM: gateway-nlb/unhealthy-hosts');
  expect(lines).toContain('│ @here OK → ALARM · gateway-nlb/unhealthy-hosts[1]');
  expect(lines).toContain('│ Threshold: ≥ 1');
  expect(lines).toContain(
    '│ [1] https://ap-northeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-2#alarmsV2:alarm/gateway-nlb$2Funhealthy-hosts',
  );
  expect(lines.at(-1)).toBe('└');
});

it('renders the message as Slack receives it, its blocks inside the coloured attachment', () => {
  const message = alarmMessage(alarmFrom(loadEvent('sns/alarm-unhealthy-hosts.json')), {
    defaultRegion: 'ap-northeast-2',
  });
  const payload = slackPayload(message);

  // The webhook and the Web API send the blocks inside one attachment of the severity's colour.
  expect(payload).toHaveProperty('attachments');
  expect(renderSlackText(payload as Parameters<typeof renderSlackText>[0])).toEqual(renderSlackText(message));
});
