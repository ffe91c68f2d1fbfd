// The Studio's CSP names where signed video and image URLs come from: nothing more for local storage (its
// /files URLs are this origin), the S3 endpoint clients reach, with the bucket's host unless path-style.
import { describe, expect, it } from 'vitest';
import { storageOrigins, studioCsp } from '../src/studio/studio-csp.ts';

const S3 = { STORAGE_DRIVER: 's3', S3_BUCKET: 'videos', S3_REGION: 'eu-west-1', S3_FORCE_PATH_STYLE: false, S3_ENDPOINT: undefined, S3_PUBLIC_ENDPOINT: undefined } as const;

describe('storageOrigins', () => {
  it('adds nothing for local storage', () => {
    expect(storageOrigins({ ...S3, STORAGE_DRIVER: 'local' })).toEqual([]);
  });

  it('takes S3_PUBLIC_ENDPOINT over S3_ENDPOINT, path-style as it is', () => {
    expect(storageOrigins({ ...S3, S3_FORCE_PATH_STYLE: true, S3_ENDPOINT: 'http://seaweedfs:8333', S3_PUBLIC_ENDPOINT: 'http://localhost:8333/ignored/path' })).toEqual(['http://localhost:8333']);
    expect(storageOrigins({ ...S3, S3_FORCE_PATH_STYLE: true, S3_ENDPOINT: 'https://minio.example.com' })).toEqual(['https://minio.example.com']);
  });

  it('names the bucket\'s virtual host (and the endpoint) otherwise, AWS\'s regional endpoint by default', () => {
    expect(storageOrigins(S3)).toEqual(['https://videos.s3.eu-west-1.amazonaws.com', 'https://s3.eu-west-1.amazonaws.com']);
  });
});

describe('studioCsp', () => {
  it('lets images and media come from the storage too, everything else from this origin, and no framing', () => {
    const csp = studioCsp({ ...S3, S3_FORCE_PATH_STYLE: true, S3_PUBLIC_ENDPOINT: 'https://cdn.example.com' });
    expect(csp.split('; ')).toEqual([
      "default-src 'self'", "script-src 'self'", "style-src 'self'",
      "img-src 'self' data: blob: https://cdn.example.com", "media-src 'self' data: blob: https://cdn.example.com",
      "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
    ]);
  });
});
