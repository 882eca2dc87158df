// How many execution environments may be initializing at once, across every function of one stack.
//
// A cold start is CPU work: a runtime process starts and loads the handler's modules. On AWS every
// sandbox has CPU of its own; here all environments share this machine's few cores, so forty
// simultaneous cold starts take forty times as long each, long enough to overrun the 10 s init limit,
// which the same code on AWS never would. So only `slots` inits run at once and the others wait before
// their INIT_START, as an invocation waits on AWS while a sandbox is placed: the wait adds latency,
// never an error. A slot is held at most `holdMs` (the init limit): an init that hangs cannot keep the
// others waiting longer than Lambda lets it run.

export class InitGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private opened = false;
  private readonly slots: number;
  private readonly holdMs: number;

  constructor(slots: number, holdMs: number) {
    this.slots = Math.max(1, slots);
    this.holdMs = holdMs;
  }

  /** Waits for a slot; the returned function gives it back (calling it again does nothing). */
  async enter(): Promise<() => void> {
    if (this.opened) return () => {};
    if (this.active < this.slots) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.opened) return () => {};
    let held = true;
    const leave = () => {
      if (!held) return;
      held = false;
      clearTimeout(timer);
      this.handOn();
    };
    const timer = setTimeout(leave, this.holdMs);
    return leave;
  }

  /** Lets everyone through from now on (the stack is closing: waiting environments are ended anyway). */
  open(): void {
    this.opened = true;
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  /** The slot passes straight to the next in line, so `active` counts it without a gap. */
  private handOn(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}
