// Clients for unit tests: the services a test mocks, and for every other one a stub whose calls
// fail the test (so a run function that talks to a service it should not is caught).
import type { Clients } from '../../src/aws/clients.ts';

const unexpected = (service: string) => ({
  send: () => Promise.reject(new Error(`the test did not expect a call to ${service}`)),
});

export function stubClients(given: Partial<Clients>): Clients {
  return {
    dynamodb: unexpected('dynamodb'),
    streams: unexpected('dynamodb streams'),
    lambda: unexpected('lambda'),
    logs: unexpected('logs'),
    iam: unexpected('iam'),
    sts: unexpected('sts'),
    destroy: () => {},
    ...given,
  };
}
