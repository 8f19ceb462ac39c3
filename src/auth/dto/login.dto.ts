import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

/** OAuth 2.0 password grant (RFC 6749 §4.3), as form, multipart form or JSON. */
export class LoginDto {
  /** The account's email address. @example cook@example.com */
  @IsString()
  @MinLength(1)
  @MaxLength(320)
  username: string;

  /** @example "correct horse battery staple" */
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password: string;

  /** Must be `password` when given. @example password */
  @IsOptional() // checked once, by LocalAuthGuard, before the grant
  grant_type?: string;

  /** Space-separated scopes; omitted, the token gets every scope the user may have. @example "profile recipes:write" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  scope?: string;
}
