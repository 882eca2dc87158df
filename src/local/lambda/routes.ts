// Which operation answers which REST path of the Lambda API (rest-json, 2015-03-31 paths): a table,
// matched in order, so a more specific path must come before a shorter one.
import type { Operation } from './service-state.ts';
import { createFunction } from './ops/createFunction.ts';
import { deleteFunction } from './ops/deleteFunction.ts';
import { getAccountSettings } from './ops/getAccountSettings.ts';
import { getFunction } from './ops/getFunction.ts';
import { getFunctionConfiguration } from './ops/getFunctionConfiguration.ts';
import { invoke } from './ops/invoke.ts';
import { listFunctions } from './ops/listFunctions.ts';
import { listTags } from './ops/listTags.ts';
import { tagResource } from './ops/tagResource.ts';
import { untagResource } from './ops/untagResource.ts';
import { updateFunctionCode } from './ops/updateFunctionCode.ts';
import { updateFunctionConfiguration } from './ops/updateFunctionConfiguration.ts';

interface Route {
  method: string;
  path: RegExp;
  op: Operation;
}

const FN = '/2015-03-31/functions';

export const ROUTES: Route[] = [
  { method: 'POST', path: new RegExp(`^${FN}/([^/]+)/invocations/?$`), op: invoke },
  { method: 'POST', path: new RegExp(`^${FN}/?$`), op: createFunction },
  { method: 'GET', path: new RegExp(`^${FN}/?$`), op: listFunctions },
  { method: 'GET', path: new RegExp(`^${FN}/([^/]+)/configuration/?$`), op: getFunctionConfiguration },
  { method: 'PUT', path: new RegExp(`^${FN}/([^/]+)/configuration/?$`), op: updateFunctionConfiguration },
  { method: 'PUT', path: new RegExp(`^${FN}/([^/]+)/code/?$`), op: updateFunctionCode },
  { method: 'GET', path: new RegExp(`^${FN}/([^/]+)/?$`), op: getFunction },
  { method: 'DELETE', path: new RegExp(`^${FN}/([^/]+)/?$`), op: deleteFunction },
  { method: 'GET', path: /^\/2017-03-31\/tags\/(.+)$/, op: listTags },
  { method: 'POST', path: /^\/2017-03-31\/tags\/(.+)$/, op: tagResource },
  { method: 'DELETE', path: /^\/2017-03-31\/tags\/(.+)$/, op: untagResource },
  { method: 'GET', path: /^\/2016-08-19\/account-settings\/?$/, op: getAccountSettings },
];

export function matchRoute(method: string, path: string): { op: Operation; param: string } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const m = route.path.exec(path);
    if (m) return { op: route.op, param: m[1] === undefined ? '' : decodeURIComponent(m[1]) };
  }
  return undefined;
}
