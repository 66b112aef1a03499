// One holder at a time per key: one git push session per app, so a second push sees the first one's result.

export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /** True when someone holds `key` now. */
  isHeld(key: string): boolean {
    return this.tails.has(key);
  }

  /** Waits for `key`, and resolves with the function that releases it. */
  async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}
