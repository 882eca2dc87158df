// DynamoDB Local started before the rest of the stack is even loaded: its JVM boots (seconds) while
// the daemon loads the stack's modules, instead of after. The JVM supervisor then takes it as its
// first JVM; restarts start new ones as before.
import { startDynamoDbLocal, type JvmExit } from './jvm.ts';

export interface EarlyJvm {
  /** The supervisor's launcher: the first call takes the JVM already booting, later calls start new ones. */
  launch: typeof startDynamoDbLocal;
  /** Stops the early JVM when the supervisor never took it (the stack failed before it got there). */
  discard(): Promise<void>;
}

/** `start` is injectable for tests. */
export function startEarlyJvm(log: (line: string) => void, start: typeof startDynamoDbLocal = startDynamoDbLocal): EarlyJvm {
  let onExit: ((exit: JvmExit) => void) | undefined;
  let exitBeforeTaken: JvmExit | undefined;
  const booting = start({
    log,
    onExit: (exit) => {
      if (onExit) onExit(exit);
      else exitBeforeTaken = exit;
    },
  });
  // A failed start is reported when the supervisor takes it (or dropped by discard).
  booting.catch(() => {});
  let taken = false;
  return {
    launch: (opts) => {
      if (taken) return start(opts);
      taken = true;
      onExit = opts.onExit;
      // A crash between boot and hand-over reaches the supervisor once it holds this JVM.
      return booting.then((jvm) => {
        const exit = exitBeforeTaken;
        if (exit) setImmediate(() => onExit?.(exit));
        return jvm;
      });
    },
    async discard() {
      if (taken) return;
      taken = true;
      const jvm = await booting.catch(() => undefined);
      await jvm?.stop();
    },
  };
}
