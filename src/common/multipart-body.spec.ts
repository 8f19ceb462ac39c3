import type { FastifyRequest } from 'fastify';
import { DomainError } from './errors/domain.error.js';
import { parseMultipart } from './multipart-body.js';

const BOUNDARY = 'XyZ';

const parse = (body: string, contentType = `multipart/form-data; boundary=${BOUNDARY}`) =>
  parseMultipart({ headers: { 'content-type': contentType } } as FastifyRequest, Buffer.from(body));

const field = (name: string, value: string, extra = '') =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${extra}\r\n\r\n${value}\r\n`;
const end = `--${BOUNDARY}--\r\n`;

describe('parseMultipart', () => {
  it('should answer the text fields, a name sent twice as an array, like a urlencoded form', async () => {
    const fields = await parse(
      field('username', 'cook@example.com') + field('scope', 'a') + field('scope', 'b') + end,
    );

    expect({ ...fields }).toEqual({ username: 'cook@example.com', scope: ['a', 'b'] });
  });

  it('should keep a field named like an Object method an ordinary field', async () => {
    const fields = await parse(field('toString', 'x') + field('constructor', 'y') + end);

    expect(Object.entries(fields)).toEqual([
      ['toString', 'x'],
      ['constructor', 'y'],
    ]);
  });

  it('should refuse a file part with a 415', async () => {
    const error = await parse(field('avatar', 'GIF89a', '; filename="a.gif"') + end).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ status: 415, code: 'file-not-accepted' });
  });

  it.each([
    ['a body without a boundary', field('a', 'b') + end, 'multipart/form-data'],
    [
      'a body that ends early',
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\nab`,
      undefined,
    ],
    ['an empty body', '', undefined],
    ['a field named __proto__', field('__proto__', 'x') + end, undefined],
  ])('should refuse %s with a 400', async (_case, body, contentType) => {
    await expect(parse(body, contentType)).rejects.toMatchObject({ status: 400 });
  });
});
