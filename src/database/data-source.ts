import { DataSource } from 'typeorm';
import { readDatabaseConfig } from '../config/database.config.js';
import { buildDataSourceOptions } from './database.options.js';

// The CLI's migrations may build indexes on big tables: no statement timeout.
export const dataSource = new DataSource(
  buildDataSourceOptions(readDatabaseConfig(), { statementTimeoutMs: 0 }),
);
