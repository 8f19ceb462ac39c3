import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { AppLogger, createPino } from './logger.js';
import { logRequests, recordRequestError } from './request-logging.js';

/** A pino logger at debug level whose lines land in `lines`. */
async function capturingPino() {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, any>);
      callback();
    },
  });
  return { logger: await createPino({ logLevel: 'debug', logFormat: 'json' }, stream), lines };
}

describe('AppLogger', () => {
  it("should log Nest's start-up chatter at debug and a feature's lines at info, with their context", async () => {
    const { logger, lines } = await capturingPino();
    const nest = new AppLogger(logger);

    nest.log('Mapped {/api/v1/recipes, GET} route', 'RouterExplorer');
    nest.log('Created the first superuser admin@example.com', 'FirstSuperuser');

    expect(lines).toMatchObject([
      { level: 20, context: 'RouterExplorer', msg: 'Mapped {/api/v1/recipes, GET} route' },
      {
        level: 30,
        context: 'FirstSuperuser',
        msg: 'Created the first superuser admin@example.com',
      },
    ]);
  });

  it('should keep the stack of an error, given as an Error or as (message, stack, context)', async () => {
    const { logger, lines } = await capturingPino();
    const nest = new AppLogger(logger);

    nest.error(new Error('mail server refused'), 'MailService');
    nest.error('Reset mail failed', 'Error: timeout\n    at send (mail.ts:1:1)', 'AccountService');

    expect(lines).toMatchObject([
      {
        level: 50,
        context: 'MailService',
        msg: 'mail server refused',
        err: {
          message: 'mail server refused',
          stack: expect.stringContaining('Error: mail server refused'),
        },
      },
      {
        level: 50,
        context: 'AccountService',
        msg: 'Reset mail failed',
        stack: expect.stringContaining('at send'),
      },
    ]);
  });

  it('should not build lines below its level', async () => {
    const { logger, lines } = await capturingPino();
    logger.level = 'warn';

    new AppLogger(logger).log('Created the first superuser', 'FirstSuperuser');
    new AppLogger(logger).warn('Redis does not answer', 'RateLimits');

    expect(lines).toMatchObject([{ level: 40, msg: 'Redis does not answer' }]);
  });
});

describe('logRequests', () => {
  it('should log a 5xx answer at error level with the error recorded for it', async () => {
    const { logger, lines } = await capturingPino();
    const fastify = Fastify();
    logRequests(fastify, logger);
    fastify.get('/boom', (request, reply) => {
      recordRequestError(request, new Error('database timeout'));
      return reply.status(503).send({});
    });
    fastify.get('/fine', () => ({}));

    await fastify.inject({ method: 'GET', url: '/fine?token=secret' });
    await fastify.inject({ method: 'GET', url: '/boom' });
    await fastify.close();

    expect(lines).toMatchObject([
      { level: 30, req: { method: 'GET', url: '/fine' }, res: { statusCode: 200 } },
      {
        level: 50,
        req: { url: '/boom' },
        res: { statusCode: 503 },
        err: { message: 'database timeout' },
      },
    ]);
    expect(lines[0]).not.toHaveProperty('err');
    expect(JSON.stringify(lines)).not.toContain('secret');
  });
});
