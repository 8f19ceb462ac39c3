import { ApiProperty } from '@nestjs/swagger';

export class WsTicketDto {
  /**
   * Pass as `?ticket=` to `GET /ws` within `expires_in` seconds; it works once.
   * @example "Jc2m0yq8m1vQq7mVb6n3a2kq9PqZ0c1xY4tW8eR5uIo"
   */
  @ApiProperty() // declared like expires_in, so the two keep their order in the document
  ticket: string;
  /** @example 30 */
  @ApiProperty({ type: 'integer' })
  expires_in: number;
}
