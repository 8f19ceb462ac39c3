import { randomBytes } from 'node:crypto';
import type { InjectionToken, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { DataSource } from 'typeorm';
import { AppModule } from '../app.module.js';
import { configureApp, createAdapter } from '../app.setup.js';
import { AccountService } from '../auth/account.service.js';
import { appConfig } from '../config/configuration.js';
import { MailService } from '../mail/mail.service.js';
import { TestClock } from './clock.js';
import { MailCapture } from './mail-capture.js';

/** A provider of the app replaced for the test, as in Nest's `overrideProvider`. */
export type ProviderOverride =
  | { provide: InjectionToken; useValue: unknown }
  | { provide: InjectionToken; useClass: Type }
  | {
      provide: InjectionToken;
      useFactory: (...args: any[]) => unknown;
      inject?: InjectionToken[];
    };

export interface TestAppOptions {
  /** Providers to replace, e.g. `{ provide: MailService, useValue: myFake }` (then `mail` stays empty). */
  overrides?: ProviderOverride[];
  /** false: mail goes where the app's MailService sends it (SMTP_URL, else the log), not to `mail`. */
  captureMail?: boolean;
  /**
   * Environment variables for this app (README, "Configuration"), on top of the kit's defaults:
   * NODE_ENV=test, DATABASE_URL=sqlite::memory:, LOG_LEVEL=silent, a random JWT_SECRET and
   * AUTH_RATE_LIMIT_PER_MINUTE=10000. They are set in process.env until close().
   */
  env?: Record<string, string>;
}

export interface TestApp {
  /** The running application (not listening): `app.get(SomeService)`, `app.getHttpServer()`. */
  app: NestFastifyApplication;
  /** Sends a request through Fastify's inject, the whole production pipeline; paths start with /api/v1. */
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** A provider of the app, e.g. `get(DataSource)`. */
  get<T = any>(token: InjectionToken): T;
  /** Every mail the app sent (reset and verification links), unless MailService was replaced or kept. */
  mail: MailCapture;
  /** The app's clock: `clock.advance({ minutes: 31 })` expires a 30-minute access token. */
  clock: TestClock;
  /** Closes the app, puts the clock and process.env back. */
  close(): Promise<void>;
}

/** Sets the variables and returns what puts the previous values back. */
function setEnv(variables: Record<string, string>): () => void {
  const previous = Object.keys(variables).map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, variables);
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

function applyOverrides(
  builder: TestingModuleBuilder,
  overrides: ProviderOverride[],
): TestingModuleBuilder {
  return overrides.reduce((current, override) => {
    const by = current.overrideProvider(override.provide);
    if ('useValue' in override) return by.useValue(override.useValue);
    if ('useClass' in override) return by.useClass(override.useClass);
    return by.useFactory({ factory: override.useFactory, inject: override.inject ?? [] });
  }, builder);
}

/**
 * The real AppModule through Nest's testing module, on Fastify, with the production pipeline
 * (configureApp: the /api/v1 prefix, CORS, security headers, body parsers, input screening), a
 * fresh in-memory SQLite database migrated by the real migrations, silent logs, and mail captured.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const { overrides = [], env = {}, captureMail = true } = options;
  const restoreEnv = setEnv({
    NODE_ENV: 'test',
    DATABASE_URL: 'sqlite::memory:',
    LOG_LEVEL: 'silent',
    JWT_SECRET: randomBytes(32).toString('base64url'),
    // Tests log in often from one address; the per-account failed-password limit stays as it is.
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    ...env,
  });
  const mail = new MailCapture();
  let app: NestFastifyApplication | undefined;
  try {
    let builder = Test.createTestingModule({ imports: [AppModule] });
    if (captureMail && !overrides.some((override) => override.provide === MailService)) {
      builder = builder.overrideProvider(MailService).useValue(mail);
    }
    const moduleRef = await applyOverrides(builder, overrides).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(createAdapter(appConfig()));
    await configureApp(app);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  } catch (error) {
    await app?.close().catch(() => undefined);
    restoreEnv();
    throw error;
  }
  const started = app;
  const account = started.get(AccountService);
  mail.waitFor(() => account.settled());
  const clock = new TestClock(() => [started.get(DataSource)]);
  return {
    app: started,
    request: (request) => started.inject(request),
    get: (token) => started.get(token),
    mail,
    clock,
    close: async () => {
      try {
        await started.close();
      } finally {
        clock.reset();
        restoreEnv();
      }
    },
  };
}
