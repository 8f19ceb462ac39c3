import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CredentialsService } from './credentials.service.js';
import { FirstSuperuser } from './first-superuser.js';
import { PasswordAttemptsService } from './password-attempts.service.js';
import { PasswordService } from './password.service.js';
import { User } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([User])],
  controllers: [UsersController],
  // PasswordAttemptsService counts in ThrottlingModule's limiter (global: memory or Redis).
  providers: [
    UsersService,
    PasswordService,
    PasswordAttemptsService,
    CredentialsService,
    FirstSuperuser,
  ],
  exports: [UsersService, PasswordService, PasswordAttemptsService, CredentialsService],
})
export class UsersModule {}
