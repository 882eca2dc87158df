// State transitions of mappings and the pollers behind them: Create answers Creating, Update answers
// Enabling, Disabling or Updating, Delete answers Deleting, and each settles in Enabled, Disabled or
// gone (disabling keeps the checkpoints, so re-enabling resumes where it stopped). Every transition
// runs after a short configurable delay, one at a time per mapping, and is abandoned when the stack
// closes. Disabling/Updating/Deleting stop the poller and wait for its running invocations, so a
// re-enabled or restarted poller never overlaps the previous one on the same records.
import { pauseOn } from '../clock.ts';
import type { LambdaInvoker, StackContext } from '../context.ts';
import type { DynamoDbBackend } from '../dynamodb/index.ts';
import type { Mapping } from './mapping.ts';
import { MappingPoller } from './poller.ts';
import type { EsmTimings } from './timing.ts';

export class Lifecycle {
  private readonly ctx: StackContext;
  private readonly deps: { lambda: LambdaInvoker; dynamodb: DynamoDbBackend; timings: EsmTimings };
  private readonly mappings: Map<string, Mapping>;
  private readonly pollers = new Map<string, MappingPoller>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private started = false;
  /** Transitions requested before start(), run when the stack starts. */
  private readonly deferred: Array<() => void> = [];

  constructor(ctx: StackContext, deps: { lambda: LambdaInvoker; dynamodb: DynamoDbBackend; timings: EsmTimings }, mappings: Map<string, Mapping>) {
    this.ctx = ctx;
    this.deps = deps;
    this.mappings = mappings;
  }

  start(): void {
    this.started = true;
    for (const run of this.deferred.splice(0)) run();
  }

  async close(): Promise<void> {
    this.abort.abort();
    // Running invocations are not awaited: the Lambda service is closed right after us.
    await Promise.all([...this.pollers.values()].map((p) => p.stop(false)));
    this.pollers.clear();
  }

  /** Creating → Enabled (poller running) or Disabled. */
  created(m: Mapping): void {
    this.enqueue(m, async () => {
      if (m.state === 'Deleting') return;
      await this.settleTo(m);
    });
  }

  /** Enabling/Disabling/Updating → Enabled or Disabled, restarting the poller with the new settings. */
  updated(m: Mapping): void {
    this.enqueue(m, async () => {
      await this.stopPoller(m);
      await this.settleTo(m);
    });
  }

  /** Deleting → gone. */
  deleted(m: Mapping): void {
    this.enqueue(m, async () => {
      await this.stopPoller(m);
      await pauseOn(this.ctx.clock, this.deps.timings.transitionDelayMs, this.abort.signal);
      if (this.abort.signal.aborted) return;
      this.mappings.delete(m.uuid);
      this.chains.delete(m.uuid);
    });
  }

  private async settleTo(m: Mapping): Promise<void> {
    const signal = this.abort.signal;
    await pauseOn(this.ctx.clock, this.deps.timings.transitionDelayMs, signal);
    if (signal.aborted || m.state === 'Deleting') return;
    if (!m.enabled) {
      m.state = 'Disabled';
      return;
    }
    const poller = new MappingPoller(m, {
      dynamodb: this.deps.dynamodb,
      lambda: this.deps.lambda,
      timings: this.deps.timings,
      region: this.ctx.region,
      clock: this.ctx.clock,
      log: (line) => this.ctx.log(line),
    });
    this.pollers.set(m.uuid, poller);
    // Enabled only once a LATEST position is fixed, so "written after Enabled" is exact.
    await poller.start();
    if (signal.aborted) {
      await poller.stop(false);
      return;
    }
    // A delete may have arrived while the poller was starting.
    if ((m.state as string) !== 'Deleting') m.state = 'Enabled';
  }

  private async stopPoller(m: Mapping): Promise<void> {
    const poller = this.pollers.get(m.uuid);
    if (!poller) return;
    this.pollers.delete(m.uuid);
    await poller.stop(true);
  }

  private enqueue(m: Mapping, step: () => Promise<void>): void {
    const run = () => {
      const prev = this.chains.get(m.uuid) ?? Promise.resolve();
      const next = prev.then(step).catch((err: unknown) => this.ctx.log(`esm ${m.uuid}: transition failed: ${String(err)}`));
      this.chains.set(m.uuid, next);
    };
    if (this.started) run();
    else this.deferred.push(run);
  }
}
