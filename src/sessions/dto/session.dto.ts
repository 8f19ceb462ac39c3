import { ApiProperty } from '@nestjs/swagger';
/** One live login of the caller. */
export class SessionDto {
  /** @example 1d5d6eac-6a38-4d41-aa6c-f74d2d88702c */
  id: string;
  /** @example 2026-11-23T10:00:00.000Z */
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  /** When it last logged in or refreshed. @example 2026-11-23T10:30:00.000Z */
  @ApiProperty({ format: 'date-time' })
  last_used_at: string;
  /** @example "Mozilla/5.0 (X11; Linux x86_64)" */
  user_agent: string | null;
  /** @example 203.0.113.7 */
  ip: string | null;
  /** True for the session of the token making this request. @example true */
  current: boolean;
}
