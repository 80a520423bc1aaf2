/**
 * What heal-targets knows about one target group at one moment, as plain values: heal.ts gathers it
 * through the estate's interfaces, diagnose() reads it. Nothing here calls AWS.
 */
import type { Rule } from '../rules/rule';
import type { InstanceFacts } from './instances';
import type { ListenerFacts, LoadBalancerFacts, TargetGroupFacts, TargetHealthFacts } from './load-balancing';

/** Another opted-in target group behind the same load balancer: evidence of where the app answers. */
export interface SiblingFacts {
  readonly group: TargetGroupFacts;
  readonly targets: ReadonlyArray<TargetHealthFacts>;
}

export interface TargetGroupSnapshot {
  readonly group: TargetGroupFacts;
  readonly tags: Readonly<Record<string, string>>;
  readonly loadBalancers: ReadonlyArray<LoadBalancerFacts>;
  /** Listeners that forward to this group. */
  readonly listeners: ReadonlyArray<ListenerFacts>;
  readonly targets: ReadonlyArray<TargetHealthFacts>;
  readonly instances: Readonly<Record<string, InstanceFacts>>;
  /** Rules of the instances' and the load balancers' security groups (both directions). */
  readonly rules: ReadonlyArray<Rule>;
  readonly siblings: ReadonlyArray<SiblingFacts>;
}
