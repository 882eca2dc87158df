// UpdateEventSourceMapping: 202. Enabled toggles go Disabling → Disabled / Enabling → Enabled; any
// other change goes Updating → Enabled (or Disabled), restarting the poller from its checkpoints so the
// new settings apply to the following batches. StartingPosition and EventSourceArn cannot change.
import { type EsmOperation, requireMapping } from '../core.ts';
import { EsmApiError, invalidParameter } from '../errors.ts';
import { renderMapping } from '../mapping.ts';
import { parseUpdate } from '../params.ts';

const BUSY = new Set(['Creating', 'Enabling', 'Disabling', 'Updating', 'Deleting']);

export const updateEventSourceMapping: EsmOperation = (core, input) => {
  const m = requireMapping(core, input.UUID);
  const { UUID: _uuid, ...body } = input;
  const p = parseUpdate(body, m.settings);
  if (BUSY.has(m.state)) {
    // The model gives the code and status (ResourceInUseException, 400) for an update while a
    // transition runs; AWS's message text was never recorded, so this one is ours.
    throw new EsmApiError('ResourceInUseException', `Cannot update the event source mapping because it is in use. Its state is ${m.state}.`);
  }
  let functionArn = m.functionArn;
  if (p.functionName !== undefined) {
    const resolved = core.lambda.resolveFunctionArn(p.functionName);
    if (!resolved) throw invalidParameter('Function does not exist');
    functionArn = resolved;
  }
  const wasEnabled = m.state === 'Enabled';
  m.functionArn = functionArn;
  m.settings = p.settings;
  if (p.filtersGiven) m.compiledFilters = p.compiled;
  if (p.enabled !== undefined) m.enabled = p.enabled;
  m.lastModifiedMs = core.ctx.clock.now();
  if (m.enabled !== wasEnabled) m.state = m.enabled ? 'Enabling' : 'Disabling';
  else m.state = 'Updating';
  core.lifecycle.updated(m);
  return renderMapping(m);
};
