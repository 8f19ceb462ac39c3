export class WsTicketDto {
  /**
   * Pass as `?ticket=` to `GET /ws` within `expires_in` seconds; it works once.
   * @example "Jc2m0yq8m1vQq7mVb6n3a2kq9PqZ0c1xY4tW8eR5uIo"
   */
  ticket: string;
  /** @example 30 */
  expires_in: number;
}
