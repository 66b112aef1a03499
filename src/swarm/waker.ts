// A pause a loop takes between its rounds, which an event can cut short.

/** A pause that a wake ends early; a wake while no pause runs ends the next one at once. */
export class Waker {
  private early = false;
  private end: (() => void) | undefined;

  sleep(ms: number): Promise<void> {
    if (this.early) {
      this.early = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.finish(), ms);
      this.end = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  wake(): void {
    if (this.end) this.finish();
    else this.early = true;
  }

  private finish(): void {
    const end = this.end;
    this.end = undefined;
    end?.();
  }
}
