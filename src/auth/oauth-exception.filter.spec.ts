import { Logger, type ArgumentsHost } from '@nestjs/common';
import {
  OAuthError,
  TooManyRequestsError,
  ValidationError,
} from '../common/errors/domain.error.js';
import { OAuthExceptionFilter } from './oauth-exception.filter.js';

interface Answer {
  status?: number;
  headers: Record<string, string>;
  body?: unknown;
}

function answer(exception: unknown): Answer {
  const sent: Answer = { headers: {} };
  const reply = {
    status: (code: number) => ((sent.status = code), reply),
    header: (name: string, value: string) => ((sent.headers[name] = value), reply),
    send: (body: unknown) => ((sent.body = body), reply),
  };
  const request = { url: '/api/v1/auth/login', method: 'POST', raw: { complete: true } };
  const host = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
  } as unknown as ArgumentsHost;
  new OAuthExceptionFilter().catch(exception, host);
  return sent;
}

describe('OAuthExceptionFilter', () => {
  beforeAll(() => {
    vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterAll(() => {
    vi.restoreAllMocks();
  });

  it.each(['invalid_request', 'invalid_grant', 'unsupported_grant_type', 'invalid_scope'] as const)(
    'should answer the OAuth code %s as 400 with its description, never cached',
    (code) => {
      const sent = answer(new OAuthError(code, 'What went wrong.'));

      expect(sent).toEqual({
        status: 400,
        headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
        body: { error: code, error_description: 'What went wrong.' },
      });
    },
  );

  it('should answer a validation failure as invalid_request naming the fields', () => {
    const sent = answer(new ValidationError([{ field: 'username', message: 'must be a string' }]));

    expect(sent.status).toBe(400);
    expect(sent.body).toEqual({
      error: 'invalid_request',
      error_description: 'username: must be a string',
    });
  });

  it('should keep 429 and its Retry-After', () => {
    const sent = answer(
      new TooManyRequestsError(42, 'Too many failed logins for this account: try again later.'),
    );

    expect(sent.status).toBe(429);
    expect(sent.headers['Retry-After']).toBe('42');
    expect(sent.body).toEqual({
      error: 'invalid_request',
      error_description: 'Too many failed logins for this account: try again later.',
    });
  });

  it('should answer an unexpected error as 500 server_error without its message', () => {
    const sent = answer(new Error('SQLITE_ERROR: no such table: sessions'));

    expect(sent.status).toBe(500);
    expect(sent.body).toEqual({
      error: 'server_error',
      error_description: 'Something went wrong on our side.',
    });
  });

  it('should answer an unreachable database as 503 server_error', () => {
    const sent = answer(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    );

    expect(sent.status).toBe(503);
    expect(sent.body).toMatchObject({ error: 'server_error' });
  });
});
