import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  TypeOrmHealthIndicator,
  type HealthCheckResult,
} from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { Public } from '../common/decorators/public.decorator.js';
import { LivenessDto } from './liveness.dto.js';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly dataSource: DataSource,
  ) {}

  /** Liveness: the process answers. */
  @Get()
  live(): LivenessDto {
    return { status: 'ok' };
  }

  /** Readiness: 200 while the database answers, 503 otherwise. */
  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    // The DataSource given, not looked up: terminus would import @nestjs/typeorm by name at run
    // time, which in the bundled build (rolldown.config.mjs) is a second copy with another token.
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 1000, connection: this.dataSource }),
    ]);
  }
}
