import type { AppConfig } from '../config/configuration.js';

const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/**
 * CORS_ORIGINS, and in development any localhost origin: the browsers this API serves. A missing
 * Origin is no browser page's, and `null` (sandboxed frames, opaque redirects) could be any page's.
 */
export function isAllowedOrigin(origin: string | undefined, config: AppConfig): boolean {
  if (origin === undefined || origin === 'null') return false;
  return (
    config.corsOrigins.includes(origin) ||
    (config.nodeEnv === 'development' && LOCAL_ORIGIN.test(origin))
  );
}
