import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import { LocalStorage } from './local.storage.ts';
import type { Storage } from './storage.ts';

export function createStorage(config: Config, publicBaseUrl: string): Storage {
  switch (config.STORAGE_DRIVER) {
    case 'local':
      return new LocalStorage({
        root: config.STORAGE_DIR,
        publicBaseUrl,
        signingSecret: config.STORAGE_SIGNING_SECRET ?? randomBytes(32).toString('hex'),
      });
    case 's3':
      // The s3 driver lands with issue 8 (packages/shared/src/storage/s3.storage.ts).
      throw new Error('STORAGE_DRIVER=s3 is not available yet');
  }
}
