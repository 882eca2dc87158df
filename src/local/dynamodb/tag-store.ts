// DynamoDB Local answers "Tagging is not currently supported", so the stack keeps tags itself, per
// database: a table lives alone in its database, and a deleted table's tags go with it.

export class TagStore {
  private readonly byDb = new Map<string, Map<string, string>>();

  set(db: string, tags: Array<{ Key: string; Value: string }>): void {
    if (tags.length > 0) this.byDb.set(db, new Map(tags.map((t) => [t.Key, t.Value])));
  }

  tag(db: string, tags: Array<{ Key: string; Value: string }>): void {
    const current = this.byDb.get(db) ?? new Map<string, string>();
    for (const t of tags) current.set(t.Key, t.Value);
    this.byDb.set(db, current);
  }

  untag(db: string, keys: string[]): void {
    const current = this.byDb.get(db);
    for (const k of keys) current?.delete(k);
  }

  clear(): void {
    this.byDb.clear();
  }

  list(db: string): Array<{ Key: string; Value: string }> {
    return [...(this.byDb.get(db) ?? [])].map(([Key, Value]) => ({ Key, Value }));
  }
}
