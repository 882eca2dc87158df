// Reading a Query-protocol request: a flat form (`Action=…&Tags.member.1.Key=…`) turned into typed
// values. Lists arrive as `Name.member.N[.Field]`, 1-based; an empty list may arrive as `Name=`.
import type { StackRequest } from '../http.ts';
import { validationError } from './errors.ts';

export class QueryParams {
  private readonly values: Map<string, string>;

  constructor(values: Map<string, string>) {
    this.values = values;
  }

  /** Form body first; the URL query string only fills gaps (clients always post the form). */
  static fromRequest(req: StackRequest): QueryParams {
    const values = new Map<string, string>();
    for (const [k, v] of req.query) values.set(k, v);
    for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) values.set(k, v);
    return new QueryParams(values);
  }

  string(name: string): string | undefined {
    return this.values.get(name);
  }

  /** A required parameter; AWS reports a missing one as a null value at the camelCase field. */
  required(name: string): string {
    const value = this.values.get(name);
    if (value === undefined) throw validationError(lowerFirst(name), null, 'must not be null');
    return value;
  }

  integer(name: string): number | undefined {
    const raw = this.values.get(name);
    if (raw === undefined || raw === '') return undefined;
    if (!/^-?\d+$/.test(raw)) throw validationError(lowerFirst(name), raw, 'must be an integer');
    return Number(raw);
  }

  /** `Name.member.1`, `Name.member.2`, … in index order (stops at the first gap, as AWS does). */
  stringList(name: string): string[] {
    const out: string[] = [];
    for (let i = 1; this.values.has(`${name}.member.${i}`); i++) out.push(this.values.get(`${name}.member.${i}`) ?? '');
    return out;
  }

  /** `Name.member.N.Field` structures, e.g. Tags → [{Key, Value}]. */
  structList(name: string, fields: readonly string[]): Array<Record<string, string | undefined>> {
    const out: Array<Record<string, string | undefined>> = [];
    for (let i = 1; ; i++) {
      const prefix = `${name}.member.${i}.`;
      const item: Record<string, string | undefined> = {};
      let present = false;
      for (const field of fields) {
        const value = this.values.get(prefix + field);
        if (value !== undefined) present = true;
        item[field] = value;
      }
      if (!present) return out;
      out.push(item);
    }
  }
}

export function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
