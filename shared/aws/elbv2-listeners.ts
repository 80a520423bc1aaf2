/** What both ELBv2 adapters read off a listener: the target groups its default actions forward to. */
import type { Listener } from '@aws-sdk/client-elastic-load-balancing-v2';

/** A forward action names one group (`TargetGroupArn`) or several (`ForwardConfig`, weighted); both count. */
export function forwardedTargetGroupArns(listener: Listener): string[] {
  const arns = (listener.DefaultActions ?? []).flatMap((action) =>
    action.Type !== 'forward'
      ? []
      : [
          ...(action.TargetGroupArn ? [action.TargetGroupArn] : []),
          ...(action.ForwardConfig?.TargetGroups ?? []).flatMap((tuple) =>
            tuple.TargetGroupArn ? [tuple.TargetGroupArn] : [],
          ),
        ],
  );
  return [...new Set(arns)];
}
