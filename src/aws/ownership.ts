// The ownership tag: every resource ddbs-test creates carries it, and teardown/sweep delete nothing
// without it, even a resource named like ours.
export const OWNER_TAG_KEY = 'ddbs-test:owner';
export const OWNER_TAG_VALUE = 'ddbs-test';
export const CREATED_TAG_KEY = 'ddbs-test:created';
export const RUN_TAG_KEY = 'ddbs-test:run';

export function ownershipTags(now: Date, runId?: string): Record<string, string> {
  return { [OWNER_TAG_KEY]: OWNER_TAG_VALUE, [CREATED_TAG_KEY]: now.toISOString(), ...(runId ? { [RUN_TAG_KEY]: runId } : {}) };
}

export function asTagList(tags: Record<string, string>): Array<{ Key: string; Value: string }> {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function isOwnedTagMap(tags: Record<string, string | undefined> | undefined): boolean {
  return tags?.[OWNER_TAG_KEY] === OWNER_TAG_VALUE;
}

export function isOwnedTagList(tags: Array<{ Key?: string; Value?: string }> | undefined): boolean {
  return (tags ?? []).some((t) => t.Key === OWNER_TAG_KEY && t.Value === OWNER_TAG_VALUE);
}
