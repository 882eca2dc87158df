// STS GetCallerIdentity. The local stack accepts any credentials and treats the caller as the
// account's root user: Arn arn:aws:iam::<account>:root, and UserId = the account ID, which is what
// AWS returns for root credentials.
import type { QueryOperation } from '../operation.ts';

export const getCallerIdentity: QueryOperation = ({ ctx }) => ({
  UserId: ctx.accountId,
  Account: ctx.accountId,
  Arn: `arn:aws:iam::${ctx.accountId}:root`,
});
