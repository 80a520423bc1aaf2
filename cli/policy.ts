/**
 * `netwarden policy check [FILE]`: the policy judged by the functions' own loader (schema and
 * cross-checks), so a problem shows up before the deploy with the words a cold start would log.
 */
import { errorMessage } from '../shared/errors';
import { readPolicyDocument } from '../shared/policy/document';
import { validatePolicy } from '../shared/policy/load';
import { USAGE } from './help';
import type { CliCommand } from './io';

const DEFAULT_FILE = 'netwarden.policy.yml';

export const run: CliCommand = async (args, io) => {
  const [action, file = DEFAULT_FILE, extra] = args;
  if (action !== 'check' || extra !== undefined || file.startsWith('-')) {
    const wrong = action !== 'check' ? action : (extra ?? file);
    io.err(
      `${wrong === undefined ? '' : `unknown policy action or option ${JSON.stringify(wrong)}\n`}${USAGE.policy}`,
    );
    return 2;
  }
  let problems: string;
  try {
    // Named as the functions name it (POLICY_PATH), so the messages are theirs word for word.
    const policy = validatePolicy(readPolicyDocument(file), file);
    const sections = policy.securityGroups.length;
    io.out(
      `${file}: valid (${policy.mode} mode, ${sections} security-group section${sections === 1 ? '' : 's'}, ${policy.trustedPrincipals.length} trusted principal${policy.trustedPrincipals.length === 1 ? '' : 's'})`,
    );
    return 0;
  } catch (error) {
    problems = errorMessage(error);
  }
  for (const line of problems.split('\n')) io.err(line);
  return 1;
};
