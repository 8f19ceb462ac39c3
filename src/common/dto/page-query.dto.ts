import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** `limit` and `cursor` of a list (keyset pagination: src/common/pagination.ts). */
export class PageQueryDto {
  /** How many items per page (1–100). @example 20 */
  @ApiPropertyOptional({ type: 'integer', default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;

  /** The `next_cursor` of the previous page; left out, the first page. @example MTI */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  cursor?: string;
}
