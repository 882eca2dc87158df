// Input constraints from the IAM service model (botocore iam/2010-05-08 service-2.json), reported
// with AWS's wording so a client sees the same error text locally as against real IAM.
import { invalidInput, malformedPolicy, plainValidationError, validationError } from './errors.ts';

interface StringRule {
  min: number;
  max: number;
  /** The pattern as AWS prints it in the message, and the same pattern anchored for JS. */
  pattern?: { shown: string; regex: RegExp };
}

const NAME_PATTERN = { shown: '[\\w+=,.@-]+', regex: /^[\w+=,.@-]+$/ };
const TAG_KEY_PATTERN = { shown: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+', regex: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u };
const TAG_VALUE_PATTERN = { shown: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*', regex: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u };

export const RULES = {
  roleName: { min: 1, max: 64, pattern: NAME_PATTERN },
  policyName: { min: 1, max: 128, pattern: NAME_PATTERN },
  path: { min: 1, max: 512, pattern: { shown: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)', regex: /^(\/|\/[\x21-\x7E]+\/)$/ } },
  pathPrefix: { min: 1, max: 512, pattern: { shown: '\\u002F[\\u0021-\\u007F]*', regex: /^\/[\x21-\x7F]*$/ } },
  policyPathPrefix: { min: 1, max: 512, pattern: { shown: '((/[A-Za-z0-9\\.,\\+@=_-]+)*)/', regex: /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/ } },
  description: { min: 0, max: 1000, pattern: { shown: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*', regex: /^[\t\n\r\x20-\x7E\xA1-\xFF]*$/ } },
  policyDocument: { min: 1, max: 131072, pattern: { shown: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+', regex: /^[\t\n\r\x20-\xFF]+$/ } },
  marker: { min: 1, max: 320, pattern: { shown: '[\\u0020-\\u00FF]+', regex: /^[\x20-\xFF]+$/ } },
  arn: { min: 20, max: 2048 },
} satisfies Record<string, StringRule>;

/** Checks length then pattern, in that order, like AWS's validator. */
export function checkString(field: string, value: string, rule: StringRule): string {
  if (value.length < rule.min) throw validationError(field, value, `must have length greater than or equal to ${rule.min}`);
  if (value.length > rule.max) throw validationError(field, value, `must have length less than or equal to ${rule.max}`);
  if (rule.pattern && !rule.pattern.regex.test(value)) throw validationError(field, value, `must satisfy regular expression pattern: ${rule.pattern.shown}`);
  return value;
}

export function checkRange(field: string, value: number, min: number, max: number): number {
  if (value < min) throw validationError(field, value, `must have value greater than or equal to ${min}`);
  if (value > max) throw validationError(field, value, `must have value less than or equal to ${max}`);
  return value;
}

/** Parses a policy document: must be JSON, and a JSON object. Returns the parsed object. */
export function checkPolicyDocument(field: string, text: string): Record<string, unknown> {
  checkString(field, text, RULES.policyDocument);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw malformedPolicy('This policy contains invalid Json');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw malformedPolicy('Syntax errors in policy.');
  return parsed as Record<string, unknown>;
}

/** A trust policy: valid JSON, no Resource, and only sts: actions (real IAM's two most common
 *  rejections; anything subtler is accepted). */
export function checkTrustPolicy(field: string, text: string): void {
  const doc = checkPolicyDocument(field, text);
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement];
  for (const statement of statements) {
    if (typeof statement !== 'object' || statement === null) throw malformedPolicy('Syntax errors in policy.');
    const s = statement as Record<string, unknown>;
    if ('Resource' in s || 'NotResource' in s) throw malformedPolicy(`Has prohibited field ${'Resource' in s ? 'Resource' : 'NotResource'}`);
    const actions = s.Action === undefined ? [] : Array.isArray(s.Action) ? s.Action : [s.Action];
    if (actions.some((a) => typeof a !== 'string' || !/^sts:/i.test(a))) throw malformedPolicy('AssumeRole policy may only specify STS AssumeRole actions.');
  }
}

export interface Tag {
  Key: string;
  Value: string;
}

/** Tags from `Tags.member.N.{Key,Value}`: ≤ 50, key/value constraints, no duplicate keys (keys are
 *  compared case-insensitively, as IAM does). */
export function checkTags(raw: Array<Record<string, string | undefined>>): Tag[] {
  if (raw.length > 50) throw valueless('tags', 'must have length less than or equal to 50');
  const tags = raw.map((t, i) => {
    const at = `tags.${i + 1}.member`;
    if (t.Key === undefined) throw validationError(`${at}.key`, null, 'must not be null');
    if (t.Value === undefined) throw validationError(`${at}.value`, null, 'must not be null');
    checkTagPart(`${at}.key`, t.Key, 1, 128, TAG_KEY_PATTERN);
    checkTagPart(`${at}.value`, t.Value, 0, 256, TAG_VALUE_PATTERN);
    return { Key: t.Key, Value: t.Value };
  });
  const seen = new Set<string>();
  for (const tag of tags) {
    const key = tag.Key.toLowerCase();
    if (seen.has(key)) throw invalidInput('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    seen.add(key);
  }
  return tags;
}

export function checkTagKeys(keys: string[]): string[] {
  const keyConstraint =
    `must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, ` +
    `Member must satisfy regular expression pattern: ${TAG_KEY_PATTERN.shown}, Member must not be null]`;
  if (keys.length > 50) throw valueless('tagKeys', 'must have length less than or equal to 50');
  for (const key of keys) if (key.length < 1 || key.length > 128 || !TAG_KEY_PATTERN.regex.test(key)) throw valueless('tagKeys', keyConstraint);
  return keys;
}

// AWS leaves the value out of tag messages ("Value at 'tags.1.member.key' failed …").
function checkTagPart(field: string, value: string, min: number, max: number, pattern: { shown: string; regex: RegExp }): void {
  if (value.length < min) throw valueless(field, `must have length greater than or equal to ${min}`);
  if (value.length > max) throw valueless(field, `must have length less than or equal to ${max}`);
  if (!pattern.regex.test(value)) throw valueless(field, `must satisfy regular expression pattern: ${pattern.shown}`);
}

function valueless(field: string, constraint: string) {
  return plainValidationError(`1 validation error detected: Value at '${field}' failed to satisfy constraint: Member ${constraint}`);
}

const POLICY_ARN = /^arn:aws[a-z-]*:iam::(aws|\d{12}):policy((?:\/[\x21-\x7E]+)?\/)([\w+=,.@-]+)$/;

/** A managed-policy ARN → its path and name; anything else is "ARN x is not valid." like IAM. */
export function parsePolicyArn(arn: string): { path: string; name: string } {
  // Real IAM answers a too-short or name-only value with the same "not valid" text, so only the
  // upper bound is checked as a length.
  if (arn.length > RULES.arn.max) throw validationError('policyArn', arn, `must have length less than or equal to ${RULES.arn.max}`);
  const m = POLICY_ARN.exec(arn);
  if (!m) throw plainValidationError(`ARN ${arn} is not valid.`);
  return { path: m[2] ?? '/', name: m[3] ?? '' };
}
