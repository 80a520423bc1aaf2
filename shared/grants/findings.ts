/** Grant decisions rendered as findings. Kinds are stable: grant.created|extended|rejected|expiring|expired|invalid|revoked. */
import type { Finding } from '../findings/finding';
import { formatDuration } from '../policy/duration';
import type { Mode } from '../policy/schema';
import { type Rule, summarise } from '../rules/rule';
import type { Grant } from './grant';
import type { GrantRequest, ValidGrant } from './request';
import { isoSeconds } from './tags';

const ruleRef = (rule: Rule) => ({
  summary: summarise(rule),
  ...(rule.ruleId ? { ruleId: rule.ruleId } : {}),
});
const timeLeft = (expiresAt: Date, now: Date) => formatDuration(expiresAt.getTime() - now.getTime());

interface Base {
  readonly mode: Mode;
  readonly now: Date;
}

export function grantedFinding(
  grant: ValidGrant & { ruleId?: string },
  how: { extended: boolean; outcome: Finding['outcome']; actions: string[] } & Base,
): Finding {
  const rule = { ...grant.rule, ...(grant.ruleId ? { ruleId: grant.ruleId } : {}) };
  const verb = how.mode === 'report' ? 'would be' : '';
  const what = how.extended ? 'extended' : 'granted';
  return {
    kind: how.extended ? 'grant.extended' : 'grant.created',
    severity: 'info',
    title: `Temporary access ${verb ? `${verb} ` : ''}${what} on ${rule.groupId}: ${summarise(rule)} for ${grant.owner} until ${isoSeconds(grant.expiresAt)}`,
    mode: how.mode,
    outcome: how.outcome,
    time: how.now.toISOString(),
    resource: { type: 'security-group', id: rule.groupId },
    rules: [ruleRef(rule)],
    why: `${grant.owner}: ${grant.reason} (ttl ${formatDuration(grant.ttlMs)})`,
    actions: how.actions,
    details: {
      owner: grant.owner,
      reason: grant.reason,
      expiresAt: isoSeconds(grant.expiresAt),
      ...(grant.ruleId ? { ruleId: grant.ruleId } : {}),
    },
  };
}

export function rejectedFinding(request: GrantRequest, problems: string[], base: Base): Finding {
  return {
    kind: 'grant.rejected',
    severity: 'info',
    title: `Grant request rejected${request.group ? ` on ${request.group}` : ''}: ${problems[0] ?? 'invalid'}${problems.length > 1 ? ` (+${problems.length - 1} more)` : ''}`,
    mode: base.mode,
    outcome: 'no-action',
    time: base.now.toISOString(),
    ...(request.group ? { resource: { type: 'security-group', id: request.group } } : {}),
    why: problems.join('; '),
    actions: [],
    details: { request: { ...request } },
  };
}

export function expiringFinding(grant: Grant, base: Base): Finding {
  return {
    kind: 'grant.expiring',
    severity: 'info',
    title: `Grant expiring in ${timeLeft(grant.expiresAt, base.now)} on ${grant.groupId}: ${summarise(grant.rule)} for ${grant.owner}`,
    mode: base.mode,
    outcome: 'no-action',
    time: base.now.toISOString(),
    resource: { type: 'security-group', id: grant.groupId },
    rules: [ruleRef(grant.rule)],
    why: `expires at ${isoSeconds(grant.expiresAt)}; extend it with \`netwarden grant\` for the same group, port and source if it is still needed`,
    actions: [],
    details: { owner: grant.owner, reason: grant.reason, expiresAt: isoSeconds(grant.expiresAt) },
  };
}

export function revokedFinding(
  rule: Rule,
  how: Base & {
    kind: 'grant.expired' | 'grant.invalid' | 'grant.revoked';
    outcome: Finding['outcome'];
    why: string;
    details?: Record<string, unknown>;
  },
): Finding {
  const done = { acted: 'revoked', 'already-done': 'already gone', 'would-act': 'would be revoked' }[
    how.outcome as 'acted' | 'already-done' | 'would-act'
  ];
  const what = {
    'grant.expired': 'Grant expired',
    'grant.invalid': 'Invalid grant',
    'grant.revoked': 'Grant revoked',
  }[how.kind];
  return {
    kind: how.kind,
    severity: how.kind === 'grant.invalid' ? 'warning' : 'info',
    title: `${what} on ${rule.groupId}: ${summarise(rule)} ${done ?? how.outcome}`,
    mode: how.mode,
    outcome: how.outcome,
    time: how.now.toISOString(),
    resource: { type: 'security-group', id: rule.groupId },
    rules: [ruleRef(rule)],
    why: how.why,
    actions:
      how.outcome === 'already-done'
        ? []
        : [`RevokeSecurityGroupIngress ${rule.groupId} ${rule.ruleId ?? '?'}`],
    ...(how.details ? { details: how.details } : {}),
  };
}
