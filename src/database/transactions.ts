import { ClsPluginTransactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsModule } from 'nestjs-cls';
import { DataSource } from 'typeorm';

/**
 * The one transaction mechanism: `@Transactional()` or `Transactions.withTransaction()` opens a
 * transaction, and every query made through `Transactions.tx` inside it, in any service, joins
 * it. No request-wide context is mounted: one starts with each transaction only.
 */
export const TransactionsModule = ClsModule.forRoot({
  global: true,
  plugins: [
    new ClsPluginTransactional({
      adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: DataSource }),
    }),
  ],
});

/** Injected as `TransactionHost`; `tx` is the EntityManager of the current transaction, or the default one. */
export type Transactions = TransactionHost<TransactionalAdapterTypeOrm>;
