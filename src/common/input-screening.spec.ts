import type { FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from './errors/domain.error.js';
import { findUnacceptable, screenInput } from './input-screening.js';

/** `depth` arrays inside each other around `inner`. */
const nest = (depth: number, inner: unknown = 'x'): unknown =>
  Array.from({ length: depth }).reduce<unknown>((value) => [value], inner);

describe('findUnacceptable', () => {
  it('should accept ordinary text, numbers, null, and objects nested up to 32 levels', () => {
    expect(
      findUnacceptable({ label: 'Chicken Vesuvio', n: 1, ok: true, none: null }),
    ).toBeUndefined();
    expect(
      findUnacceptable({ label: 'pair \ud83d\ude00 x', note: 'Crème brûlée, 鶏肉' }),
    ).toBeUndefined();
    expect(findUnacceptable(nest(31))).toBeUndefined();
  });

  it('should refuse a NUL character, naming the field', () => {
    expect(findUnacceptable({ recipe: { label: 'a\u0000b' } })).toEqual({
      field: 'recipe.label',
      message: 'must not contain NUL characters',
    });
  });

  it.each([
    ['a lone high surrogate', 'lone \ud800 x'],
    ['a lone low surrogate', '\udc00'],
    ['a low surrogate before its high one', '\ude00\ud83d'],
    ['a high surrogate at the end', 'end \ud83d'],
  ])('should refuse %s', (_case, text) => {
    expect(findUnacceptable({ label: text })).toEqual({
      field: 'label',
      message: 'must be well-formed Unicode (no lone surrogates)',
    });
  });

  it('should screen keys as well as values', () => {
    expect(findUnacceptable({ ['a\u0000']: 'x' })).toMatchObject({
      message: 'must not contain NUL characters',
    });
    expect(findUnacceptable({ ['\ud800']: 'x' })).toMatchObject({ message: /well-formed Unicode/ });
  });

  it('should refuse deeper nesting without exhausting the stack, however deep', () => {
    expect(findUnacceptable(nest(33))).toEqual({
      field: Array.from({ length: 32 }, () => '0').join('.'),
      message: 'must not nest deeper than 32 levels',
    });
    expect(
      findUnacceptable({ x: JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) as unknown }),
    ).toMatchObject({
      message: 'must not nest deeper than 32 levels',
    });
  });
});

describe('screenInput', () => {
  /** Runs the hook on a request with these parts; answers what it passed to done. */
  function screen(
    parts: Partial<Pick<FastifyRequest, 'params' | 'query' | 'body'>>,
  ): Error | undefined {
    let result: Error | undefined;
    screenInput(
      { params: {}, query: {}, body: undefined, ...parts } as FastifyRequest,
      {} as FastifyReply,
      (error) => {
        result = error;
      },
    );
    return result;
  }

  it('should pass a clean request on', () => {
    expect(
      screen({ params: { id: '1' }, query: { keyword: 'chicken' }, body: { label: 'x' } }),
    ).toBeUndefined();
  });

  it.each([
    ['a path parameter', { params: { id: '\ud800' } }, 'id'],
    ['a query value', { query: { keyword: 'a\u0000' } }, 'keyword'],
    ['a repeated query value', { query: { keyword: ['ok', '\udfff'] } }, 'keyword.1'],
    ['a body field', { body: { label: 'x\u0000' } }, 'label'],
    ['a body that is a bare string', { body: 'x\u0000' }, 'body'],
  ])('should refuse %s with a ValidationError naming the field', (_case, parts, field) => {
    const error = screen(parts);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors).toEqual([{ field, message: expect.any(String) }]);
  });
});
