import type { AppConfig } from '../config/configuration.js';
import { isAllowedOrigin } from './allowed-origin.js';

describe('isAllowedOrigin', () => {
  it('should never allow the opaque origin null, even when CORS_ORIGINS lists it', () => {
    const listed = {
      corsOrigins: ['null', 'https://app.example'],
      nodeEnv: 'development',
    } as AppConfig;
    expect(isAllowedOrigin('null', listed)).toBe(false);
    expect(isAllowedOrigin('https://app.example', listed)).toBe(true);
  });
});
