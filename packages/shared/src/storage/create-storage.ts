import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import { LocalStorage } from './local.storage.ts';
import { S3Storage, defaultS3Checksums } from './s3.storage.ts';
import type { Storage } from './storage.ts';

/** Signed URLs take their base from the API at signing time (SignedUrlOptions.baseUrl), so nothing here needs it. */
export function createStorage(config: Config): Storage {
  switch (config.STORAGE_DRIVER) {
    case 'local':
      return new LocalStorage({
        root: config.STORAGE_DIR,
        signingSecret: config.STORAGE_SIGNING_SECRET ?? randomBytes(32).toString('hex'),
      });
    case 's3':
      if (config.S3_BUCKET === undefined) throw new Error('S3_BUCKET is required when STORAGE_DRIVER is s3');
      // No credentials here: the SDK's default chain finds them (AWS_ACCESS_KEY_ID…, a profile, a role).
      return new S3Storage({
        bucket: config.S3_BUCKET,
        region: config.S3_REGION,
        endpoint: config.S3_ENDPOINT,
        publicEndpoint: config.S3_PUBLIC_ENDPOINT,
        forcePathStyle: config.S3_FORCE_PATH_STYLE,
        prefix: config.S3_PREFIX,
        checksums: config.S3_CHECKSUMS ?? defaultS3Checksums(config.S3_ENDPOINT),
      });
  }
}
