import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { appConfig, type AppConfig } from '../config/configuration.js';
import { EmailTakenError, UsersService } from './users.service.js';

/** Creates FIRST_SUPERUSER at start when it does not exist yet; never changes an existing one. */
@Injectable()
export class FirstSuperuser implements OnApplicationBootstrap {
  private readonly logger = new Logger(FirstSuperuser.name);

  constructor(
    private readonly users: UsersService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const first = this.config.firstSuperuser;
    if (!first || (await this.users.findByEmail(first.email))) return;
    try {
      await this.users.create({ ...first, isSuperuser: true });
      this.logger.log(`Created the first superuser ${first.email}`);
    } catch (error) {
      if (!(error instanceof EmailTakenError)) throw error; // another instance made it first
    }
  }
}
