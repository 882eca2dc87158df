// IAM and STS (Query protocol, XML). Placeholder until the IAM issue lands.
import type { StackContext } from '../context.ts';
import type { StackRequest, StackResponse } from '../http.ts';

export function createIamService(_ctx: StackContext): { handleIam: (req: StackRequest) => Promise<StackResponse>; handleSts: (req: StackRequest) => Promise<StackResponse> } {
  const notYet = async (): Promise<StackResponse> => ({ status: 400, headers: { 'content-type': 'text/xml' }, body: '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>IAM/STS are not available in this local stack yet</Message></Error></ErrorResponse>' });
  return { handleIam: notYet, handleSts: notYet };
}
