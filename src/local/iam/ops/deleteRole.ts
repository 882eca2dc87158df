// DeleteRole refuses while policies remain: inline ones are reported first (either order is a
// DeleteConflict; AWS's order when both exist is unconfirmed).
import { deleteConflict } from '../errors.ts';
import type { QueryOperation } from '../operation.ts';
import { readRoleName } from '../operation.ts';

export const deleteRole: QueryOperation = ({ store }, params) => {
  const role = store.role(readRoleName(params));
  if (role.inlinePolicies.size > 0) throw deleteConflict('inline');
  if (role.attachedPolicies.size > 0) throw deleteConflict('attached');
  store.deleteRole(role.name);
  return undefined;
};
