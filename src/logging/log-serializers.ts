/**
 * pino serializers: a request is its id, method and path, an answer its status. Never the query
 * string (a password or token sent in the URL, refused but still received), headers or body.
 */
export const logSerializers = {
  req: (request: { id: string; method: string; url: string }) => ({
    id: request.id,
    method: request.method,
    url: request.url.split('?', 1)[0],
  }),
  res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
};
