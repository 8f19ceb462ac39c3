import { IsOptional, IsString, MaxLength } from 'class-validator';

/** RFC 6749 §6 refresh, as JSON or form; in cookie mode the token may come from the cookie. */
export class RefreshDto {
  /** The refresh token of the last token response; in cookie mode it may come from the cookie instead. @example Kq3Wm8Zp1Rt6Yv0Xc5Nb2Lh7Jg4Fd9Sa3Qe8Tu1Io6P */
  @IsOptional()
  @IsString()
  @MaxLength(4096) // long enough that a misplaced access token is an invalid grant, not a malformed request
  refresh_token?: string;

  /** Must be `refresh_token` when given. @example refresh_token */
  @IsOptional()
  @IsString()
  @MaxLength(50)
  grant_type?: string;
}
