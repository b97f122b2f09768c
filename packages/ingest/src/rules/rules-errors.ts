/**
 * Errors of rule files and their evaluation (LS_RULES_*), made by the
 * package's one factory. A file that does not load is the operator's
 * mistake: 400 from POST /api/v1/rules/reload. server/errors.ts spreads
 * these into its `errors` object too.
 */
import { defineError } from '../errors/define-error.js';

export const rulesErrors = {
  rulesRead: defineError('LS_RULES_READ_FAILED', 'cannot read rule file %s: %s', 400),
  rulesSyntax: defineError('LS_RULES_YAML_SYNTAX', 'rule file %s is not valid YAML: %s', 400),
  rulesUnknownKey: defineError('LS_RULES_UNKNOWN_KEY', 'rule file %s: unknown key "%s"%s', 400),
  rulesInvalid: defineError('LS_RULES_INVALID', 'rule file %s: value at "%s" %s', 400),
  rulesQuery: defineError('LS_RULES_BAD_QUERY', 'rule file %s: the query at "%s" does not parse: %s%s', 400),
  rulesTimeout: defineError('LS_RULES_EVALUATION_TIMEOUT', 'rule "%s" did not finish within the query deadline of %s ms', 503, { retryable: true }),
  rulesDisabled: defineError('LS_RULES_NOT_CONFIGURED', 'no rule_files are configured on this server', 404),
  rulesBadPage: defineError('LS_RULES_BAD_PAGINATION', '%s', 400),
} as const;
