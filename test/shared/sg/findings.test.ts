/** How the decisions no tag can steer read as findings: kind, severity, title, and no AWS call. */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../shared/sg/actor';
import type { SgEvent } from '../../../shared/sg/change';
import type { SgDecision } from '../../../shared/sg/decide';
import { sgFinding } from '../../../shared/sg/findings';
import { ruleOf } from '../../helpers/factories';

const GROUP = 'sg-0db00000000005432';
const NOW = new Date('2026-11-23T01:00:00Z');
const alice: Actor = {
  type: 'AssumedRole',
  display: 'alice@example.com via role AWSReservedSSO_Admin_1',
  viaConsole: true,
  sourceIp: '203.0.113.45',
};
const event: SgEvent = { eventId: 'e1', eventName: 'AuthorizeSecurityGroupIngress', actor: alice };
const world = ruleOf({ ruleId: 'sgr-1' });
const report = (
  reason: Extract<SgDecision, { type: 'report' }>['reason'],
  guardrailBreach: boolean,
): SgDecision & { type: 'report' } => ({
  type: 'report',
  reason,
  groupId: GROUP,
  rules: [world],
  guardrailBreach,
  why: 'because',
});

describe('sgFinding for reports', () => {
  it.each([
    [
      report('exception', true),
      'sg.exception',
      'critical',
      `Policy exception on ${GROUP}: tcp 5432 from 0.0.0.0/0 left alone`,
    ],
    [
      report('exception', false),
      'sg.exception',
      'info',
      `Policy exception on ${GROUP}: tcp 5432 from 0.0.0.0/0 left alone`,
    ],
    [
      report('exception-expired', true),
      'sg.exception-expired',
      'warning',
      `Expired policy exception on ${GROUP}: tcp 5432 from 0.0.0.0/0 judged like any other rule`,
    ],
    [
      report('ignore-tag', true),
      'sg.ignore-tag',
      'warning',
      `tcp 5432 from 0.0.0.0/0 on ${GROUP} is tagged netwarden:ignore, which exempts nothing`,
    ],
    [
      report('forbidden-baseline', true),
      'sg.baseline-forbidden',
      'warning',
      `Approved rule on ${GROUP} not restored: tcp 5432 from 0.0.0.0/0 breaches a guardrail`,
    ],
    [
      report('unverifiable-change', false),
      'sg.unverified-change',
      'warning',
      `Unverified change on ${GROUP}: tcp 5432 from 0.0.0.0/0`,
    ],
    [
      report('unverifiable-peer', false),
      'sg.unverified-peer',
      'warning',
      `Unverified prefix list on ${GROUP}: tcp 5432 from 0.0.0.0/0 may breach a guardrail`,
    ],
  ] as const)(
    '%#: %s renders as its kind, severity and title, with no AWS call',
    (decision, kind, severity, title) => {
      for (const mode of ['enforce', 'report'] as const) {
        expect(sgFinding(decision, event, 'no-action', mode, NOW)).toMatchObject({
          kind,
          severity,
          title,
          mode,
          outcome: 'no-action',
          actions: [],
          resource: { type: 'security-group', id: GROUP },
          rules: [{ summary: 'tcp 5432 from 0.0.0.0/0', ruleId: 'sgr-1' }],
          why: 'AuthorizeSecurityGroupIngress by alice@example.com via role AWSReservedSSO_Admin_1 in the console from 203.0.113.45: because',
        });
      }
    },
  );
});
