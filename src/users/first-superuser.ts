import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { appConfig, type AppConfig } from '../config/configuration.js';
import { passwordPolicyProblem } from './dto/password.validator.js';
import { EmailTakenError, UsersService } from './users.service.js';

/**
 * Creates FIRST_SUPERUSER at start when it does not exist yet; never changes an existing one.
 * A password the API would refuse at signup (the address in it included) stops the start instead
 * of making a weak superuser.
 */
@Injectable()
export class FirstSuperuser implements OnApplicationBootstrap {
  private readonly logger = new Logger(FirstSuperuser.name);

  constructor(
    private readonly users: UsersService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const first = this.config.firstSuperuser;
    if (!first) return;
    const problem = passwordPolicyProblem(first.password, { email: first.email });
    if (problem) throw new Error(`Invalid configuration:\n  FIRST_SUPERUSER_PASSWORD: ${problem}`);
    if (await this.users.findByEmail(first.email)) return;
    try {
      // The operator chose this address: it needs no verification mail.
      await this.users.create({ ...first, isSuperuser: true, emailVerified: true });
      this.logger.log(`Created the first superuser ${first.email}`);
    } catch (error) {
      if (!(error instanceof EmailTakenError)) throw error; // another instance made it first
    }
  }
}
