import { z } from 'zod';
import { defineMethod } from './descriptor.js';

/** Keys are path-like (`app/github-token`); keys under `connection/` belong to saved connections and are never readable. */
export const secretKeySchema = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[A-Za-z0-9._\-/:@]+$/, 'letters, digits and . _ - / : @ only');

export interface SecretStatus {
  backend: 'keychain' | 'file' | 'none';
  locked: boolean;
}

export const secretMethods = {
  store: defineMethod<Record<string, never>>()(
    'secret.store',
    z.object({ key: secretKeySchema, value: z.string().max(65_536) }),
    ['key', 'value'],
  ),
  get: defineMethod<{ value: string | null }>()('secret.get', z.object({ key: secretKeySchema }), ['key']),
  delete: defineMethod<{ deleted: boolean }>()('secret.delete', z.object({ key: secretKeySchema }), ['key']),
  status: defineMethod<SecretStatus>()('secret.status', z.object({}), []),
  unlock: defineMethod<Record<string, never>>()(
    'secret.unlock',
    z.object({ masterPassword: z.string().min(1).max(4096) }),
    ['masterPassword'],
  ),
};
