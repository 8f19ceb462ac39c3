import { ApiProperty } from '@nestjs/swagger';
import { UserDto } from '../../users/dto/user.dto.js';

/** The signed-in user, with the second factors the account has. */
export class MeDto extends UserDto {
  /** Enabled factors: `totp` (logging in with the password then needs a code) and `passkey` (logs in on its own). @example ["totp"] */
  @ApiProperty({ type: [String], enum: ['totp', 'passkey'] })
  factors: ('totp' | 'passkey')[];
  /** Recovery codes not used yet. @example 10 */
  @ApiProperty({ type: 'integer' })
  recovery_codes_remaining: number;
}
