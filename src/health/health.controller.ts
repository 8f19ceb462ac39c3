import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
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
  // What terminus's @HealthCheck() would add, declared here: it require()s @nestjs/swagger at run
  // time, which in the bundled build (rolldown.config.mjs) loads a second Nest from node_modules.
  @Get('ready')
  @Header('Cache-Control', 'no-cache, no-store, must-revalidate')
  @ApiOkResponse({
    description: 'The database answers: the result of the check as @nestjs/terminus reports it.',
    schema: {
      type: 'object',
      properties: {
        status: { type: 'string', enum: ['ok'] },
        info: { type: 'object' },
        error: { type: 'object' },
        details: { type: 'object' },
      },
      example: {
        status: 'ok',
        info: { database: { status: 'up', responseTime: 2 } },
        error: {},
        details: { database: { status: 'up', responseTime: 2 } },
      },
    },
  })
  @ApiResponse({
    status: 503,
    description: 'The database does not answer within 1 s.',
    content: {
      'application/problem+json': {
        schema: { $ref: '#/components/schemas/ProblemDto' },
        example: {
          type: 'about:blank',
          title: 'Service Unavailable',
          status: 503,
          detail: 'The service is not ready: its database is unreachable.',
          instance: '/health/ready',
        },
      },
    },
  })
  ready(): Promise<HealthCheckResult> {
    // The DataSource given, not looked up: terminus would import @nestjs/typeorm by name at run
    // time, which in the bundled build is a second copy with another token.
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 1000, connection: this.dataSource }),
    ]);
  }
}
