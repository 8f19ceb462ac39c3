// Memory of the per-account limits without REDIS_URL: heap per address counted in a window.
// Run: node --expose-gc bench/attempt-memory.mjs
import { createHash } from 'node:crypto';
import { RateLimiterMemory } from 'rate-limiter-flexible';

const KEYS = 100_000;
const limiter = new RateLimiterMemory({ points: 10, duration: 900, keyPrefix: 'attempts' });
globalThis.gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < KEYS; i++) {
  await limiter.consume(
    createHash('sha256').update(`login:user${i}@example.com`).digest('base64url'),
  );
}
globalThis.gc();
const perKey = (process.memoryUsage().heapUsed - before) / KEYS;
console.log(
  `${KEYS} addresses counted: ${perKey.toFixed(0)} bytes each, ${((perKey * KEYS) / 2 ** 20).toFixed(1)} MiB`,
);
