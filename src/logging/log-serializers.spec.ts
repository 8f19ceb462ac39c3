import { logSerializers } from './log-serializers.js';

describe('logSerializers', () => {
  it('should keep id, method and path of a request, and drop its query string', () => {
    const request = {
      id: 'c0ffee',
      method: 'POST',
      url: '/api/v1/auth/login?username=cook%40example.com&password=hunter2',
      headers: { authorization: 'Bearer secret' },
    };

    expect(logSerializers.req(request)).toEqual({
      id: 'c0ffee',
      method: 'POST',
      url: '/api/v1/auth/login',
    });
  });

  it('should keep a URL without a query string as it is', () => {
    expect(logSerializers.req({ id: '1', method: 'GET', url: '/api/v1/recipes/' }).url).toBe(
      '/api/v1/recipes/',
    );
  });

  it('should keep only the status of an answer', () => {
    expect(
      logSerializers.res({ statusCode: 201, headers: { 'set-cookie': 'x' } } as {
        statusCode: number;
      }),
    ).toEqual({
      statusCode: 201,
    });
  });
});
