import { DataSource } from 'typeorm';
import { readDatabaseConfig } from '../config/database.config.js';
import { buildDataSourceOptions } from './database.options.js';

export const dataSource = new DataSource(buildDataSourceOptions(readDatabaseConfig()));
