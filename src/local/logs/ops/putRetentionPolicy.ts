import { validationFailed } from '../errors.ts';
import { optInt, reqString } from '../params.ts';
import type { LogsOperation } from './types.ts';

/** The only values AWS accepts (model enum). */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export const putRetentionPolicy: LogsOperation = ({ state }, input) => {
  const name = reqString(input, 'logGroupName', { min: 1, max: 512 });
  const days = optInt(input, 'retentionInDays');
  if (days === undefined) throw validationFailed('null', 'retentionInDays', 'Member must not be null');
  if (!RETENTION_DAYS.includes(days)) {
    throw validationFailed(days, 'retentionInDays', `Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`);
  }
  state.requireGroup(name).retentionInDays = days;
  return undefined;
};
