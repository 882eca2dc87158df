// The Role and Tag XML shapes. IAM returns different subsets of a role per operation (recorded
// against real AWS in LocalStack's IAM snapshots): CreateRole echoes what was given, GetRole adds
// MaxSessionDuration and RoleLastUsed, and ListRoles leaves out Tags, RoleLastUsed and the
// permissions boundary.
import type { RoleRecord } from './store.ts';
import type { Tag } from './validate.ts';
import type { XmlShape } from './xml.ts';

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

export function roleShape(role: RoleRecord, view: RoleView): XmlShape {
  const showMaxSession = view !== 'create' || role.maxSessionDurationGiven;
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.id,
    Arn: role.arn,
    CreateDate: isoDate(role.createDate),
    AssumeRolePolicyDocument: encodePolicyDocument(role.assumeRolePolicyDocument),
    Description: role.description,
    MaxSessionDuration: showMaxSession ? role.maxSessionDuration : undefined,
    PermissionsBoundary:
      role.permissionsBoundaryArn !== undefined && view !== 'list'
        ? { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: role.permissionsBoundaryArn }
        : undefined,
    Tags: view !== 'list' && role.tags.length > 0 ? tagsShape(role.tags) : undefined,
    // Never used locally: AWS sends an empty element, which clients read as {}.
    RoleLastUsed: view === 'get' ? {} : undefined,
  };
}

export function tagsShape(tags: readonly Tag[]): XmlShape[] {
  return tags.map((t) => ({ Key: t.Key, Value: t.Value }));
}
