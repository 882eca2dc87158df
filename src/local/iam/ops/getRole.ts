import type { QueryOperation } from '../operation.ts';
import { readRoleName } from '../operation.ts';
import { roleXml } from '../render.ts';

export const getRole: QueryOperation = (params, { store }) => {
  const role = store.role(readRoleName(params));
  return `<Role>${roleXml(role, 'get')}</Role>`;
};
