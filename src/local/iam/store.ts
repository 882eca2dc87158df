// IAM state for one stack instance: roles with their inline and attached policies and tags.
// IAM names are unique regardless of case ("PRODROLE" and "prodrole" cannot both exist), so every map
// is keyed by the lower-cased name while the record keeps the spelling it was created with.
import { randomInt } from 'node:crypto';
import { noSuchRole, noSuchRolePolicy } from './errors.ts';
import type { Tag } from './validate.ts';

export interface InlinePolicy {
  name: string;
  /** The document exactly as the client sent it (IAM hands back the same text, URL-encoded). */
  document: string;
}

export interface AttachedPolicy {
  arn: string;
  name: string;
  /** The policy's path, taken from its ARN (`/service-role/` in `…:policy/service-role/X`). */
  path: string;
}

export interface RoleRecord {
  name: string;
  path: string;
  id: string;
  arn: string;
  createDate: number;
  assumeRolePolicyDocument: string;
  description: string | undefined;
  maxSessionDuration: number;
  /** Whether the CreateRole request named MaxSessionDuration (it is echoed only then). */
  maxSessionDurationGiven: boolean;
  permissionsBoundaryArn: string | undefined;
  tags: Tag[];
  inlinePolicies: Map<string, InlinePolicy>;
  attachedPolicies: Map<string, AttachedPolicy>;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export class IamStore {
  private readonly roles = new Map<string, RoleRecord>();
  private readonly usedIds = new Set<string>();

  hasRole(name: string): boolean {
    return this.roles.has(name.toLowerCase());
  }

  /** The role or NoSuchEntity with IAM's text, echoing the name as the caller spelled it. */
  role(name: string): RoleRecord {
    const role = this.roles.get(name.toLowerCase());
    if (!role) throw noSuchRole(name);
    return role;
  }

  addRole(role: RoleRecord): void {
    this.roles.set(role.name.toLowerCase(), role);
  }

  deleteRole(name: string): void {
    const role = this.role(name);
    this.roles.delete(role.name.toLowerCase());
  }

  /** All roles, ordered by name (case-insensitive), so markers stay stable across calls. */
  allRoles(): RoleRecord[] {
    return [...this.roles.values()].sort((a, b) => compareNames(a.name, b.name));
  }

  inlinePolicy(role: RoleRecord, policyName: string): InlinePolicy {
    const policy = role.inlinePolicies.get(policyName.toLowerCase());
    if (!policy) throw noSuchRolePolicy(policyName);
    return policy;
  }

  /** A unique ID with the prefix IAM uses for the entity kind (AROA for roles): prefix + 17 chars. */
  newId(prefix: string): string {
    for (;;) {
      let id = prefix;
      for (let i = 0; i < 17; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
      if (!this.usedIds.has(id)) {
        this.usedIds.add(id);
        return id;
      }
    }
  }
}

export function compareNames(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  return la < lb ? -1 : la > lb ? 1 : 0;
}
