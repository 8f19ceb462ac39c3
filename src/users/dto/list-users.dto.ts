import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/dto/page-query.dto.js';
import { UserDto } from './user.dto.js';

export class ListUsersQueryDto extends PageQueryDto {
  /** Exact email address (case-insensitive). @example cook@example.com */
  @IsOptional()
  @MaxLength(320)
  @IsString() // nearest the field so it runs first: a repeated ?email= is "must be a string"
  email?: string;
}

export class UserPageDto {
  items: UserDto[];
  /** Pass as `cursor` for the next page; null on the last page. @example MTI */
  next_cursor: string | null;
}
