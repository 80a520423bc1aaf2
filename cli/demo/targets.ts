/**
 * The seed's troubleshooting story, then the one netwarden heals: the target group on 443 while the
 * gateway serves 80 (diagnosed with the fix, nothing touched), then one of three gateway instances
 * stopped (started, and reported recovered on the next sweep).
 */
import {
  GATEWAY_INSTANCES,
  setTargetGroupPort,
  stopInstance,
  TARGET_GROUPS,
} from '../../simulated-account/index';
import { type DemoContext, formatCall } from './context';

interface Outcome {
  status: string;
  groups?: Array<{ targetGroup: string; status: string; decisions: string[] }>;
}

async function sweep(context: DemoContext, label: string): Promise<void> {
  const { handler } = await import('../../functions/heal-targets/handler');
  const { lambdaContext } = await import('../../simulated-account/lambda-context');
  const { loadEvent } = await import('../../simulated-account/load-event');
  context.io.out(`\n▶ ${label}\n  trigger: heal-targets sweep (schedule, every 5 minutes)`);
  const published = context.sim.published.length;
  const { result, calls } = await context.callsDuring(() =>
    handler(loadEvent('schedule/heal-targets-sweep.json'), lambdaContext('netwarden-demo-heal-targets')),
  );
  for (const group of (result as Outcome).groups ?? [])
    context.io.out(
      `  ${group.targetGroup}: ${group.status}${group.decisions.length ? ` → ${group.decisions.join(', ')}` : ''}`,
    );
  const writes = calls.filter((call) => call.write && call.service !== 'SNS');
  context.io.out(`  ${calls.length - writes.length} reads${writes.length ? '' : ', no writes'}`);
  for (const call of writes) context.io.out(`  ${formatCall(call)}`);
  const findings = context.sim.published
    .slice(published)
    .map(
      (message) =>
        JSON.parse(message.message) as { kind: string; title: string; why: string; outcome: string },
    );
  if (findings.length === 0) context.io.out('  finding: none (all healthy)');
  for (const finding of findings)
    context.io.out(
      `  finding [${finding.kind}, ${finding.outcome}]: ${finding.title}\n    why: ${finding.why}`,
    );
}

export async function targetsStory(context: DemoContext): Promise<void> {
  context.heading('heal-targets: unhealthy NLB targets');
  const sim = context.sim;
  const group = sim.elbv2.targetGroups.get(TARGET_GROUPS.https);

  setTargetGroupPort(sim, TARGET_GROUPS.https, 443);
  await sweep(
    context,
    'gateway-tg-https was created with port 443 (listener 443 TLS → target 443) while the gateway serves 80',
  );
  setTargetGroupPort(sim, TARGET_GROUPS.https, 80);
  if (group) for (const registration of group.registrations) registration.registeredAt = 0;

  const [, stopped] = GATEWAY_INSTANCES;
  stopInstance(sim, stopped);
  await sweep(context, `someone stopped gateway-2 (${stopped}): one of three targets is unused`);

  sim.account.clock.advance(5 * 60_000);
  await sweep(context, 'five minutes later: the instance is up and has passed its health checks');
}
