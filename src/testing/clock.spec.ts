import type { DataSource } from 'typeorm';
import { TestClock } from './clock.js';

const RealDate = Date;
const HOUR = 3_600_000;

describe('TestClock', () => {
  let clock: TestClock;

  afterEach(() => {
    clock.reset();
  });

  it('should move Date.now() and new Date() by the duration, and leave dates given a time alone', () => {
    clock = new TestClock();
    const before = RealDate.now();

    clock.advance({ hours: 2 });

    expect(Date.now() - before).toBeGreaterThanOrEqual(2 * HOUR);
    expect(new Date().getTime() - before).toBeGreaterThanOrEqual(2 * HOUR);
    expect(new Date(0).getTime()).toBe(0);
    expect(Date.UTC(2030, 0, 1)).toBe(RealDate.UTC(2030, 0, 1));
  });

  it('should keep instanceof Date true for dates made before and after', () => {
    const earlier = new Date();
    clock = new TestClock();

    clock.set(new RealDate('2030-01-01T00:00:00Z'));

    expect(earlier).toBeInstanceOf(Date);
    expect(new Date()).toBeInstanceOf(RealDate);
    expect(new Date().getUTCFullYear()).toBe(2030);
  });

  it("should point the app's type: Date columns at the Date in place, and back on reset", () => {
    const column = { type: RealDate as unknown };
    const other = { type: 'varchar' as unknown };
    const dataSource = { entityMetadatas: [{ columns: [column, other] }] } as unknown as DataSource;
    clock = new TestClock(() => [dataSource]);

    clock.advance({ minutes: 1 });
    const [placed, whileMoved] = [Date, column.type];
    clock.reset();

    expect(placed).not.toBe(RealDate);
    expect(whileMoved).toBe(placed);
    expect(other.type).toBe('varchar');
    expect(column.type).toBe(RealDate);
    expect(Date).toBe(RealDate);
  });

  it('should refuse a second clock while one is in place', () => {
    clock = new TestClock();
    clock.advance(1000);

    expect(() => new TestClock().advance(1000)).toThrow('Another test app moved the clock');
  });
});
