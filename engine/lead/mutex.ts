import { condition } from '@temporalio/workflow';

/** Serialises async handlers inside one workflow (deterministic: waits on workflow conditions, not on real locks). */
export class Mutex {
  private locked = false;

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await condition(() => !this.locked);
    this.locked = true;
    try {
      return await fn();
    } finally {
      this.locked = false;
    }
  }
}
