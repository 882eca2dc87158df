// The functions of one Lambda service instance, how names/ARNs resolve to them, and the timed
// Pending → Active and InProgress → Successful transitions (delay is an option so tests can shorten it).
import type { StackContext } from '../context.ts';
import { LambdaApiError, notFound } from './errors.ts';
import type { FunctionRecord } from './function-record.ts';

// name | partial ARN (account:function:name) | full ARN, each with an optional :qualifier.
const FUNCTION_REF = /^(?:arn:aws[a-zA-Z-]*:lambda:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):function:|(\d{12}):function:)?([a-zA-Z0-9_-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;

export interface FunctionRef {
  name: string;
  qualifier: string | undefined;
}

export class FunctionRegistry {
  readonly functions = new Map<string, FunctionRecord>();
  private readonly ctx: StackContext;
  private readonly transitionDelayMs: number;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(ctx: StackContext, transitionDelayMs: number) {
    this.ctx = ctx;
    this.transitionDelayMs = transitionDelayMs;
  }

  arnOf(name: string, qualifier?: string): string {
    return `arn:aws:lambda:${this.ctx.region}:${this.ctx.accountId}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
  }

  /** Parses a FunctionName path/parameter value; errors like AWS for other regions or malformed values. */
  parseRef(raw: string): FunctionRef {
    const m = FUNCTION_REF.exec(raw);
    if (!m) {
      throw new LambdaApiError(
        'ValidationException',
        `1 validation error detected: Value '${raw}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
      );
    }
    const [, region, account, partialAccount, name = '', qualifier] = m;
    if (region && region !== this.ctx.region) {
      throw new LambdaApiError('ResourceNotFoundException', `Functions from '${region}' are not reachable in this region ('${this.ctx.region}')`);
    }
    const acct = account ?? partialAccount;
    if (acct && acct !== this.ctx.accountId) throw notFound(`arn:aws:lambda:${this.ctx.region}:${acct}:function:${name}`);
    return { name, qualifier };
  }

  /** The function a FunctionName (+ optional Qualifier query) designates; only $LATEST exists locally. */
  get(raw: string, queryQualifier?: string | null): FunctionRecord {
    const ref = this.parseRef(raw);
    const qualifier = queryQualifier || ref.qualifier;
    const fn = this.functions.get(ref.name);
    if (!fn || (qualifier && qualifier !== '$LATEST')) throw notFound(this.arnOf(ref.name, qualifier));
    return fn;
  }

  /** Runs `apply` after the configured delay (or at once when it is 0), unless the service closed. */
  later(apply: () => void): void {
    if (this.transitionDelayMs <= 0) {
      apply();
      return;
    }
    const t = setTimeout(() => {
      this.timers.delete(t);
      apply();
    }, this.transitionDelayMs);
    this.timers.add(t);
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
