// DeleteEventSourceMapping: 202 with State "Deleting"; the mapping disappears (Get → 404) once its
// poller has stopped. Deleting the function does not delete mappings; deleting a mapping does not
// touch the function.
import { type EsmOperation, requireMapping } from '../core.ts';
import { EsmApiError } from '../errors.ts';
import { renderMapping } from '../mapping.ts';

const BUSY = new Set(['Enabling', 'Disabling', 'Updating', 'Deleting']);

export const deleteEventSourceMapping: EsmOperation = (core, input) => {
  const m = requireMapping(core, input.UUID);
  if (BUSY.has(m.state)) {
    throw new EsmApiError('ResourceInUseException', `Cannot delete the event source mapping because it is in use. Its state is ${m.state}.`);
  }
  m.state = 'Deleting';
  core.lifecycle.deleted(m);
  return renderMapping(m);
};
