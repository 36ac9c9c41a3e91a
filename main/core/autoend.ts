/**
 * Shares that end by themselves: one timer per share in whichever process follows it, a warning one minute
 * before (at once when less than that is left), then the end. The time is `endsAt` on the share, recorded in
 * share.json, so a process that adopts the share later ends it on time too.
 */

/** How long before the end the warning comes. */
export const WARNING_MS = 60_000;

export interface EndHandlers {
  warn: (id: string, msLeft: number) => void;
  end: (id: string) => void;
}

export class EndTimers {
  private readonly timers = new Map<string, NodeJS.Timeout[]>();

  constructor(
    private readonly handlers: EndHandlers,
    private readonly now: () => number = Date.now,
  ) {}

  /** (Re)schedules a share's end; null cancels it. */
  schedule(id: string, endsAt: number | null): void {
    this.cancel(id);
    if (endsAt === null) return;
    const left = endsAt - this.now();
    const timers: NodeJS.Timeout[] = [];
    if (left <= WARNING_MS) {
      // Queued rather than called here, so a caller that schedules mid-update sees a consistent state.
      timers.push(setTimeout(() => this.handlers.warn(id, Math.max(0, endsAt - this.now())), 0));
    } else {
      timers.push(setTimeout(() => this.handlers.warn(id, Math.max(0, endsAt - this.now())), left - WARNING_MS));
    }
    timers.push(
      setTimeout(
        () => {
          this.timers.delete(id);
          this.handlers.end(id);
        },
        Math.max(0, left),
      ),
    );
    this.timers.set(id, timers);
  }

  cancel(id: string): void {
    for (const timer of this.timers.get(id) ?? []) clearTimeout(timer);
    this.timers.delete(id);
  }

  has(id: string): boolean {
    return this.timers.has(id);
  }

  clear(): void {
    for (const id of [...this.timers.keys()]) this.cancel(id);
  }
}
