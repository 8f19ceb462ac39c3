import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

/**
 * Helmet's headers, collected once: with these options they are the same on every answer, so
 * they can go out on answers no middleware runs for (framework refusals, raw socket answers).
 * Helmet's default CSP already fits Swagger UI (same-origin scripts only, data: images), except
 * upgrade-insecure-requests: on plain HTTP at a non-loopback address the UI's assets would be
 * fetched over https and /docs stay blank.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = (() => {
  const headers: Record<string, string> = {};
  const collector = {
    setHeader: (name: string, value: string) => (headers[name] = value),
    removeHeader: () => undefined,
  } as unknown as ServerResponse;
  helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } })(
    {} as IncomingMessage,
    collector,
    () => undefined,
  );
  return headers;
})();
