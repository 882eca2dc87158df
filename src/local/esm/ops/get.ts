// GetEventSourceMapping.
import { type EsmOperation, requireMapping } from '../core.ts';
import { renderMapping } from '../mapping.ts';

export const getEventSourceMapping: EsmOperation = (core, input) => renderMapping(requireMapping(core, input.UUID));
