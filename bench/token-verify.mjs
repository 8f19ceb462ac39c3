// Is a cache of verified access tokens worth having? Verifies one HS256 token N times with jose
// (the key imported once, as the server does) and N times through an lru-cache of verified
// tokens (a hit re-checks exp, nbf and iat), and prints the time per verify of each.
// Run: node bench/token-verify.mjs [N]
import { webcrypto } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';

const N = Number(process.argv[2] ?? 100_000);
const SKEW = 60;
const secret = new TextEncoder().encode('token-verify-bench-secret-of-at-least-32-bytes');
const key = await webcrypto.subtle.importKey(
  'raw',
  secret,
  { name: 'HMAC', hash: 'SHA-256' },
  false,
  ['verify'],
);
const now = () => Math.floor(Date.now() / 1000);
const token = await new SignJWT({
  sub: '1',
  sid: crypto.randomUUID(),
  type: 'access_token',
  scope: 'recipes:read recipes:write',
})
  .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
  .setIssuedAt()
  .setIssuer('recipe-api')
  .setAudience('recipe-api')
  .setExpirationTime('30m')
  .sign(secret);
const options = {
  algorithms: ['HS256'],
  issuer: 'recipe-api',
  audience: 'recipe-api',
  requiredClaims: ['exp', 'iat'],
  maxTokenAge: 1800,
  clockTolerance: SKEW,
};

const uncached = () => jwtVerify(token, key, options);
const cache = new LRUCache({ max: 10_000 });
const cached = async () => {
  const seen = cache.get(token);
  const t = now();
  if (
    seen &&
    seen.payload.exp > t - SKEW &&
    !(seen.payload.nbf > t + SKEW) &&
    seen.payload.iat <= t + SKEW
  )
    return seen;
  const jwt = await jwtVerify(token, key, options);
  cache.set(token, jwt, { ttl: (jwt.payload.exp + SKEW - t) * 1000 });
  return jwt;
};

async function time(name, verify) {
  for (let i = 0; i < 2_000; i++) await verify(); // warm-up
  const runs = [];
  for (let round = 0; round < 5; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await verify();
    runs.push(Number(process.hrtime.bigint() - start) / N / 1000);
  }
  runs.sort((a, b) => a - b);
  console.log(
    `${name}: ${runs[2].toFixed(2)} µs per verify (median of 5 rounds of ${N}; ${runs[0].toFixed(2)}–${runs[4].toFixed(2)})`,
  );
}

console.log(`Node ${process.version}, jose, one HS256 access token`);
await time('jose jwtVerify every time', uncached);
await time('lru-cache hit + time checks', cached);
