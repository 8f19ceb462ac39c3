import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import type { AppConfig } from '../config/configuration.js';
import { logSerializers } from './log-serializers.js';

/** The DI token of the application's pino logger. */
export const PINO = Symbol('pino');

/** JSON lines, or in development on a terminal one readable line per entry. */
export async function createPino(
  config: Pick<AppConfig, 'logLevel' | 'logFormat'>,
  destination?: DestinationStream,
): Promise<Logger> {
  const options = { level: config.logLevel, serializers: logSerializers };
  // Lines that come while a write is under way go out together in the next one: under load,
  // one write for many requests instead of one each. pino flushes what is left at exit.
  if (config.logFormat === 'json')
    return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
  // Loaded only when used: production starts without it.
  const { default: pretty } = await import('pino-pretty');
  return pino(
    options,
    pretty({
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,context,req,res,responseTime',
      messageFormat: (log, messageKey) => {
        const { req, res, responseTime, context } = log as {
          req?: { method: string; url: string };
          res?: { statusCode: number };
          responseTime?: number;
          context?: string;
        };
        if (req && res) return `${req.method} ${req.url} ${res.statusCode} ${responseTime} ms`;
        return context ? `[${context}] ${String(log[messageKey])}` : String(log[messageKey]);
      },
    }),
  );
}

/** Nest's start-up chatter (modules loaded, routes mapped) is debug, not info. */
const FRAMEWORK_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
]);

/** Nest's LoggerService on pino: `new Logger(Context)` lines carry their context. */
export class AppLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = params.at(-1);
    this.write(FRAMEWORK_CONTEXTS.has(context as string) ? 'debug' : 'info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest passes (message, context) or, for errors, (message, stack, context). */
  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const context = params.length > 0 ? params.at(-1) : undefined;
    const stack = params.length > 1 ? params[0] : undefined;
    if (message instanceof Error) this.pino[level]({ context, err: message }, message.message);
    else if (typeof message === 'object' && message !== null)
      this.pino[level]({ context, ...message });
    else if (typeof stack === 'string') this.pino[level]({ context, stack }, String(message));
    else this.pino[level]({ context }, String(message));
  }
}
