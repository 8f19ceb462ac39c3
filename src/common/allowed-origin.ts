import type { AppConfig } from '../config/configuration.js';

const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** CORS_ORIGINS, and in development any localhost origin: the browsers this API serves. */
export function isAllowedOrigin(origin: string, config: AppConfig): boolean {
  return config.corsOrigins.includes(origin) || (config.nodeEnv === 'development' && LOCAL_ORIGIN.test(origin));
}
