import { connectTestRedis } from './helpers/redis.js';

/** One clear message before any spec runs when the Redis that the rate-limit specs use is missing. */
export default async function checkServices(): Promise<void> {
  const redis = await connectTestRedis();
  await redis.quit();
}
