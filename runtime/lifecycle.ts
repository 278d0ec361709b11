/** A stack of stop functions: whatever was started is stopped, in reverse order, on failure or shutdown. */
export class Teardown {
  private readonly steps: { name: string; fn: () => Promise<unknown> | unknown }[] = [];

  add(name: string, fn: () => Promise<unknown> | unknown): void {
    this.steps.push({ name, fn });
  }

  async run(log: (msg: string) => void = () => undefined, timeoutMs = 9000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.steps.length) {
      const step = this.steps.pop()!;
      const left = Math.max(500, deadline - Date.now());
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(step.fn),
          new Promise((_, rej) => (timer = setTimeout(() => rej(new Error('timed out')), left))),
        ]);
      } catch (err) {
        log(`stopping ${step.name}: ${(err as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
    }
  }
}

/** Formats a start-up failure as one line (no stack) for the terminal. */
export function oneLine(err: unknown): string {
  const e = err as Error & { code?: string };
  const msg = (e?.message ?? String(err)).split('\n')[0];
  if (e?.code === 'EADDRINUSE') return `PORT: ${msg.replace(/^listen /, '')} (port already in use)`;
  return msg;
}
