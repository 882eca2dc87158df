// GetAccountSettings: GET /2016-08-19/account-settings (AWS's default quotas; usage from this stack).
import type { LambdaOperation } from '../service-state.ts';

export const getAccountSettings: LambdaOperation = (state) => {
  const functions = [...state.registry.functions.values()];
  return {
    AccountLimit: {
      TotalCodeSize: 80_530_636_800,
      CodeSizeUnzipped: 262_144_000,
      CodeSizeZipped: 52_428_800,
      ConcurrentExecutions: 1000,
      UnreservedConcurrentExecutions: 1000,
    },
    AccountUsage: { TotalCodeSize: functions.reduce((sum, fn) => sum + fn.codeSize, 0), FunctionCount: functions.length },
  };
};
