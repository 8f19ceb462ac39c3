// `recipe-api/testing`: what another team's tests need to run this API inside their own process
// (README, "Testing your integration"). The unbundled build of src/ (dist/), so the app shares
// the installing project's @nestjs/* (peer dependencies).
export { AppModule } from '../app.module.js';
export { configureApp, createAdapter } from '../app.setup.js';
export type { Scope } from '../auth/scope-policy.js';
export { appConfig } from '../config/configuration.js';
export { MailService, type Mail } from '../mail/mail.service.js';
export { TestClock, type Duration } from './clock.js';
export { MailCapture, tokenOf } from './mail-capture.js';
export {
  createTestApp,
  type ProviderOverride,
  type TestApp,
  type TestAppOptions,
} from './test-app.js';
export {
  createUser,
  TEST_PASSWORD,
  tokensFor,
  type TestTokens,
  type TokensForOptions,
  type TestUser,
  type TestUserFields,
} from './users.js';
