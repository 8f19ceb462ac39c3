import type { DataSource } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';

const RealDate = Date;

export type Duration =
  number | { days?: number; hours?: number; minutes?: number; seconds?: number; ms?: number };

function milliseconds(duration: Duration): number {
  if (typeof duration === 'number') return duration;
  const { days = 0, hours = 0, minutes = 0, seconds = 0, ms = 0 } = duration;
  return (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000 + ms;
}

/**
 * The time the app reads, moved on demand. The API reads time from `Date` alone (token `iat`/`exp`,
 * jose's expiry check, sessions, mailed links), so the clock puts a `Date` in the global scope whose
 * "now" runs `offset` ms ahead; timers, `performance.now()` and the database's own clock keep real
 * time, so nothing in the app or the test runner waits on it. A replaced global `Date` alone (what
 * `vi.useFakeTimers()` does too) breaks TypeORM: it tells a `type: Date` column by
 * `column.type === Date`, and then binds a Date object SQLite refuses (a 500). So the clock also
 * points the app's `type: Date` columns at the `Date` in place, and back on reset. It is
 * process-wide, for one app at a time: `reset()` (done by the test app's `close()`) puts it back.
 */
export class TestClock {
  private offset = 0;
  private readonly key = Symbol('TestClock');
  private retyped: ColumnMetadata[] = [];

  /** `dataSources`: whose `type: Date` columns follow the `Date` in place (the app's). */
  constructor(private readonly dataSources: () => DataSource[] = () => []) {}

  /** The app's current time. */
  now(): Date {
    return new RealDate(RealDate.now() + this.offset);
  }

  /** Moves the app's time forward (a negative duration moves it back). */
  advance(duration: Duration): Date {
    this.install();
    this.offset += milliseconds(duration);
    return this.now();
  }

  /** Sets the app's time; it runs on from there. */
  set(time: Date | number): Date {
    this.install();
    this.offset = new RealDate(time).getTime() - RealDate.now();
    return this.now();
  }

  /** Real time again, and the real `Date`. */
  reset(): void {
    this.offset = 0;
    if (installedBy === this.key) {
      for (const column of this.retyped) column.type = RealDate;
      this.retyped = [];
      globalThis.Date = RealDate;
      installedBy = undefined;
    }
  }

  private install(): void {
    if (installedBy === this.key) return;
    if (installedBy) {
      throw new Error('Another test app moved the clock: reset it (or close that app) first.');
    }
    installedBy = this.key;
    const shifted = shiftedDate(() => this.offset);
    this.retyped = this.dataSources()
      .flatMap((dataSource) => dataSource.entityMetadatas.flatMap(({ columns }) => columns))
      .filter((column) => column.type === RealDate);
    for (const column of this.retyped) column.type = shifted;
    globalThis.Date = shifted;
  }
}

/** The clock whose `Date` is in place, if any. */
let installedBy: symbol | undefined;

/**
 * A `Date` whose "now" is `offset()` ms ahead. It shares the real prototype, so `instanceof Date`
 * holds for every date, made before or after; with arguments it is the real constructor.
 */
function shiftedDate(offset: () => number): DateConstructor {
  function ShiftedDate(this: unknown, ...args: unknown[]): Date | string {
    const now = () => new RealDate(RealDate.now() + offset());
    if (!new.target) return now().toString(); // Date() called without new
    if (args.length === 0) return now();
    return new (RealDate as new (...values: unknown[]) => Date)(...args);
  }
  ShiftedDate.prototype = RealDate.prototype;
  Object.setPrototypeOf(ShiftedDate, RealDate); // Date.UTC, Date.parse
  ShiftedDate.now = () => RealDate.now() + offset();
  return ShiftedDate as unknown as DateConstructor;
}
