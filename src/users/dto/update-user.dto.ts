import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

export class UpdateProfileDto {
  /** @example Ada */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  first_name?: string;

  /** @example Lovelace */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  surname?: string;
}

export class AdminUpdateUserDto extends UpdateProfileDto {
  @IsOptional()
  @IsBoolean()
  is_superuser?: boolean;

  /** false deactivates the account and ends all of its sessions. */
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;
}
