import { Logger } from '@nestjs/common';
import { freePort } from '../../test/helpers/net.js';
import type { AppConfig, MailConfig } from '../config/configuration.js';
import { MailService } from './mail.service.js';

const MAIL = {
  to: 'cook@example.com',
  subject: 'Reset your Recipe API password',
  text: 'Choose a new password here:\nhttp://spa.test/reset-password?token=abc',
};

function mailService(
  smtpUrl: string | undefined,
  nodeEnv: AppConfig['nodeEnv'] = 'development',
): MailService {
  const mail: MailConfig = {
    smtpUrl,
    from: 'Recipe API <no-reply@recipes.test>',
    frontendUrl: 'http://spa.test',
  };
  return new MailService(mail, { nodeEnv } as AppConfig);
}

describe('MailService', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('should write the whole mail, link included, to the log when SMTP_URL is unset in development', async () => {
    const log = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    await mailService(undefined).deliver(MAIL);
    expect(log).toHaveBeenCalledTimes(1);
    const [line] = log.mock.calls[0]!;
    expect(line).toEqual(expect.stringContaining('To: cook@example.com'));
    expect(line).toEqual(expect.stringContaining(`Subject: ${MAIL.subject}`));
    expect(line).toEqual(expect.stringContaining('http://spa.test/reset-password?token=abc'));
  });

  it('should warn once at start in production without SMTP_URL and never log a mail there', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const log = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const service = mailService(undefined, 'production');
    await service.deliver(MAIL);
    await service.deliver(MAIL);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('SMTP_URL is not set'));
    expect(log).not.toHaveBeenCalled();
  });

  it('should resolve and log only an error code when the mail server is down', async () => {
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const service = mailService(`smtp://127.0.0.1:${await freePort()}`);
    await expect(service.deliver(MAIL)).resolves.toBeUndefined();
    expect(error).toHaveBeenCalledWith(expect.stringMatching(/could not be sent: E[A-Z]+/));
    expect(JSON.stringify(error.mock.calls)).not.toContain('cook@example.com');
  });

  it('should return from send before the delivery ends, and let shutdown wait for it', async () => {
    const service = mailService(undefined);
    let finish!: () => void;
    const deliver = vi
      .spyOn(service, 'deliver')
      .mockReturnValue(new Promise<void>((resolve) => (finish = resolve)));
    service.send(MAIL);
    expect(deliver).toHaveBeenCalledWith(MAIL);

    let shutDown = false;
    const shutdown = service.beforeApplicationShutdown().then(() => (shutDown = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(shutDown).toBe(false);
    finish();
    await shutdown;
    expect(shutDown).toBe(true);
  });
});
