// The Role and Tag XML shapes. IAM returns different subsets of a role per operation (recorded
// against real AWS in LocalStack's IAM snapshots): CreateRole echoes what was given, GetRole adds
// MaxSessionDuration and RoleLastUsed, and ListRoles leaves out Tags, RoleLastUsed and the
// permissions boundary.
import type { RoleRecord } from './store.ts';
import type { Tag } from './validate.ts';
import { element, memberList, textElement } from './xml.ts';

export type RoleView = 'create' | 'get' | 'list';

/** IAM hands policy documents back URL-encoded (botocore unquotes and json-decodes them; SDK v3
 *  callers decodeURIComponent). encodeURIComponent escapes `+` and spaces as %2B / %20, which
 *  Python's unquote() (not unquote_plus) turns back into the same text. */
export function encodePolicyDocument(document: string): string {
  return encodeURIComponent(document);
}

/** ISO-8601 in UTC with whole seconds, as IAM writes dates (`2024-05-01T12:00:00Z`). */
export function isoDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function roleXml(role: RoleRecord, view: RoleView): string {
  const showMaxSession = view !== 'create' || role.maxSessionDurationGiven;
  const boundary =
    role.permissionsBoundaryArn !== undefined && view !== 'list'
      ? element('PermissionsBoundary', textElement('PermissionsBoundaryType', 'Policy') + textElement('PermissionsBoundaryArn', role.permissionsBoundaryArn))
      : '';
  const tags = view !== 'list' && role.tags.length > 0 ? tagsXml(role.tags) : '';
  return (
    textElement('Path', role.path) +
    textElement('RoleName', role.name) +
    textElement('RoleId', role.id) +
    textElement('Arn', role.arn) +
    textElement('CreateDate', isoDate(role.createDate)) +
    textElement('AssumeRolePolicyDocument', encodePolicyDocument(role.assumeRolePolicyDocument)) +
    textElement('Description', role.description) +
    (showMaxSession ? textElement('MaxSessionDuration', role.maxSessionDuration) : '') +
    boundary +
    tags +
    // Never used locally: AWS sends an empty element, which clients read as {}.
    (view === 'get' ? '<RoleLastUsed/>' : '')
  );
}

export function tagsXml(tags: readonly Tag[]): string {
  return memberList('Tags', tags, (t) => textElement('Key', t.Key) + textElement('Value', t.Value));
}
