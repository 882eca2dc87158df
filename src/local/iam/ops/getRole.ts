import type { QueryOperation } from '../operation.ts';
import { readRoleName } from '../operation.ts';
import { roleShape } from '../render.ts';

export const getRole: QueryOperation = ({ store }, params) => {
  const role = store.role(readRoleName(params));
  return { Role: roleShape(role, 'get') };
};
