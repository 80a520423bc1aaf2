/**
 * The one policy check that spans sections: no baseline entry may be a rule some guardrail forbids,
 * since netwarden would then restore what it must revoke. It runs after the schema has parsed the
 * file (schema.ts describes the shape of each part; this judges parts against each other with the
 * matching of match.ts), so that match.ts can read the schema's types without the schema importing it.
 */
import type { FieldIssue } from '../events/issues';
import { summarise } from '../rules/rule';
import { baselineRules, forbidMatches } from './match';
import type { SecurityGroupPolicy } from './schema';

/**
 * Baseline entries that a guardrail of any section forbids. Sections may select by tag, so which groups
 * two sections share is unknowable when the file is read: a baseline entry must clear every guardrail.
 * Each is an issue in the same form as the schema's own, so load.ts lists both alike.
 */
export function guardrailConflicts(sections: ReadonlyArray<SecurityGroupPolicy>): FieldIssue[] {
  return sections.flatMap((section, sectionIndex) =>
    (section.baseline ?? []).flatMap((entry, entryIndex): FieldIssue[] => {
      // The group id is irrelevant to a guardrail; any well-formed one gives concrete rules to test.
      const rules = baselineRules([entry], 'sg-00000000');
      for (const [guardrailIndex, guardrail] of sections.entries()) {
        for (const [forbidIndex, forbid] of guardrail.forbid.entries()) {
          const rule = rules.find((candidate) => forbidMatches(forbid, candidate));
          if (rule)
            return [
              {
                path: ['securityGroups', sectionIndex, 'baseline', entryIndex],
                message: `${summarise(rule)} is forbidden by policy.securityGroups[${guardrailIndex}].forbid[${forbidIndex}] ("${guardrail.name}"): netwarden never restores a rule a guardrail forbids`,
              },
            ];
        }
      }
      return [];
    }),
  );
}
