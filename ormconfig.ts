// The DataSource the TypeORM CLI uses: the same options as the app (src/database/database.options.ts).
export { dataSource as default } from './src/database/data-source.js';
