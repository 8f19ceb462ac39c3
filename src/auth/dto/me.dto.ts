import { ApiProperty } from '@nestjs/swagger';
import { UserDto } from '../../users/dto/user.dto.js';

/** The signed-in user, with the second factors the account has. */
export class MeDto extends UserDto {
  /** Enabled second factors; with one, logging in needs a code after the password. @example ["totp"] */
  @ApiProperty({ type: [String], enum: ['totp'] })
  factors: 'totp'[];
  /** Recovery codes not used yet. @example 10 */
  @ApiProperty({ type: 'integer' })
  recovery_codes_remaining: number;
}
