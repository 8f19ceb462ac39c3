import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { ApiIdParam } from '../common/api-id-param.decorator.js';
import { CurrentUser, type Principal } from '../common/decorators/current-user.decorator.js';
import { ApiAuthenticated, Scopes } from '../common/decorators/scopes.decorator.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import type { Page } from '../common/pagination.js';
import { RateLimited } from '../common/throttling/rate-limited.decorator.js';
import { CredentialsService } from './credentials.service.js';
import { ListUsersQueryDto, UserPageDto } from './dto/list-users.dto.js';
import { ChangePasswordDto, DeleteAccountDto } from './dto/password.dto.js';
import { AdminUpdateUserDto, UpdateProfileDto } from './dto/update-user.dto.js';
import { UserDto } from './dto/user.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly credentials: CredentialsService,
  ) {}

  /** The signed-in user. */
  @Get('me')
  @ApiAuthenticated()
  me(@CurrentUser() { user }: Principal): UserDto {
    return UserDto.from(user);
  }

  /** Change your name. */
  @Patch('me')
  @Scopes('profile')
  @ApiErrors(400)
  async updateMe(
    @CurrentUser() { user }: Principal,
    @Body() dto: UpdateProfileDto,
  ): Promise<UserDto> {
    return UserDto.from(await this.users.update(user, dto));
  }

  /** Change your password; every other session of yours ends. */
  @RateLimited({ checksPassword: true })
  @Post('me/password')
  @HttpCode(204)
  @Scopes('profile')
  @ApiErrors(400)
  changePassword(@CurrentUser() p: Principal, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.credentials.changePassword(
      p.user,
      p.sessionId,
      dto.current_password,
      dto.new_password,
    );
  }

  /** Delete your account, with its sessions and recipes. */
  @RateLimited({ checksPassword: true })
  @Delete('me')
  @HttpCode(204)
  @Scopes('profile')
  @ApiErrors(400)
  deleteMe(@CurrentUser() { user }: Principal, @Body() dto: DeleteAccountDto): Promise<void> {
    return this.credentials.deleteOwnAccount(user, dto.password);
  }

  /** List users (superusers). */
  @Get()
  @Scopes('users:admin')
  @ApiErrors(400)
  list(@Query() query: ListUsersQueryDto): Promise<UserPageDto> {
    return this.users.list(query) satisfies Promise<Page<UserDto>>;
  }

  /** One user (superusers). */
  @Get(':id')
  @Scopes('users:admin')
  @ApiIdParam('The user.')
  @ApiErrors(400, 404)
  async get(@Param('id', ParseIdPipe) id: number): Promise<UserDto> {
    return UserDto.from(await this.users.get(id));
  }

  /** Change a user; `is_active: false` ends all of their sessions (superusers). */
  @Patch(':id')
  @Scopes('users:admin')
  @ApiIdParam('The user.')
  @ApiErrors(400, 404)
  async update(
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: AdminUpdateUserDto,
  ): Promise<UserDto> {
    return UserDto.from(await this.users.update(await this.users.get(id), dto));
  }

  /** Delete a user with their sessions and recipes (superusers). */
  @Delete(':id')
  @HttpCode(204)
  @Scopes('users:admin')
  @ApiIdParam('The user.')
  @ApiErrors(400, 404)
  remove(@Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.users.remove(id);
  }
}
