import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/pagination.js';
import { UserDto } from './user.dto.js';

export class ListUsersQueryDto extends PageQueryDto {
  /** Exact email address (case-insensitive). */
  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string;
}

export class UserPageDto {
  items: UserDto[];
  /** Pass as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
}
