/**
 * slack-interact's async hand-off to its own function (shared/grants/hand-off.ts), loaded on first use
 * (see lazy.ts). Kept apart from lazy-adapters.ts on purpose: esbuild bundles every `import()` it sees,
 * so a loader there would carry the Lambda client into every other function's bundle.
 */
import type { HandOff } from '../grants/hand-off';
import { lazyFunction } from './lazy';

export const lazyHandOff = (functionName: string): HandOff =>
  lazyFunction(async () => {
    const [{ lambdaHandOff }, { lambdaClient }] = await Promise.all([
      import('./hand-off'),
      import('./clients/lambda'),
    ]);
    return lambdaHandOff(lambdaClient(), functionName);
  });
