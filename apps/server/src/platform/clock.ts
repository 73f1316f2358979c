/** Source of the current time; tests inject a fixed or movable clock. */
export interface Clock {
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until moved, for exact time-based tests. */
export class ManualClock implements Clock {
  private current: Date;
  constructor(start: Date = new Date("2026-01-01T09:00:00Z")) {
    this.current = start;
  }
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
