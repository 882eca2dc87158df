// GetEventSourceMapping.
import { type EsmOperation, ok, requireMapping } from '../core.ts';
import { renderMapping } from '../mapping.ts';

export const getEventSourceMapping: EsmOperation = async (core, _req, params) => ok(200, renderMapping(requireMapping(core, params.uuid)));
