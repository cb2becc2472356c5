import { describe, expect, it } from 'vitest';
import { workerEnv } from '../../../supervisor/isolation/worker-entry.js';

describe('the environment a connection worker gets', () => {
  it('drops the bridge token and anything secret-looking, keeps the rest', () => {
    const env = workerEnv({ DBV_TOKEN: 't', PGPASSWORD: 'p', AWS_SECRET_ACCESS_KEY: 's', PATH: '/bin', HOME: '/h', NODE_ENV: 'test' });
    expect(env).toEqual({ PATH: '/bin', HOME: '/h', NODE_ENV: 'test' });
  });
});
