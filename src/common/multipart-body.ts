import { BadRequestException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from './errors/domain.error.js';

type Fields = Record<string, string | string[]>;

/**
 * Fastify content-type parser for multipart/form-data (the tutorial SPA logs in with FormData).
 * Registered with parseAs 'buffer', so Fastify reads the body under BODY_LIMIT_BYTES (413 over
 * it) like JSON and forms, and only then is it split. The fields become the body as a urlencoded
 * form's do (a name sent twice: an array); a file part is refused.
 */
export async function parseMultipart(request: FastifyRequest, body: Buffer): Promise<Fields> {
  const contentType = request.headers['content-type'] ?? '';
  let form: FormData;
  try {
    // Fastify concatenates the chunks into a Buffer over an ordinary (not shared) ArrayBuffer.
    const bytes = body as Uint8Array<ArrayBuffer>;
    form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new BadRequestException();
  }
  // No prototype, like the urlencoded parser's: a field named "toString" is just a field.
  const fields: Fields = Object.create(null) as Fields;
  for (const [name, value] of form) {
    if (typeof value !== 'string') {
      throw new DomainError(
        415,
        'file-not-accepted',
        'This API takes no files: send the form fields as text.',
      );
    }
    // Refused as in JSON and urlencoded bodies: copied onto an object, it would replace its prototype.
    if (name === '__proto__') throw new BadRequestException();
    const previous = fields[name];
    fields[name] = previous === undefined ? value : [previous, value].flat();
  }
  return fields;
}
