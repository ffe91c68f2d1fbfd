// The Content-Security-Policy of the Studio's pages: scripts, styles and API calls from this origin only
// (Vite's build has no inline script or style), images and video also from where the storage serves signed
// URLs, never framed. Everything else the API answers keeps the framing-only CSP of security-headers.ts.
import type { Config } from '@sora-studio/shared';

type StorageConfig = Pick<Config, 'STORAGE_DRIVER' | 'S3_ENDPOINT' | 'S3_PUBLIC_ENDPOINT' | 'S3_BUCKET' | 'S3_REGION' | 'S3_FORCE_PATH_STYLE'>;

/**
 * Where a browser fetches presigned S3 URLs from: the endpoint clients reach (S3_PUBLIC_ENDPOINT, else
 * S3_ENDPOINT, else AWS's regional one), with the bucket as a subdomain unless path-style. The local driver's
 * /files URLs are this origin ('self'), so it adds none.
 */
export function storageOrigins(config: StorageConfig): string[] {
  if (config.STORAGE_DRIVER !== 's3') return [];
  const endpoint = new URL(config.S3_PUBLIC_ENDPOINT ?? config.S3_ENDPOINT ?? `https://s3.${config.S3_REGION}.amazonaws.com`);
  if (config.S3_FORCE_PATH_STYLE || config.S3_BUCKET === undefined) return [endpoint.origin];
  const virtualHosted = new URL(endpoint.origin);
  virtualHosted.hostname = `${config.S3_BUCKET}.${endpoint.hostname}`;
  // Both: the SDK falls back to path style for bucket names that are not valid host names (dots, over https).
  return [virtualHosted.origin, endpoint.origin];
}

export function studioCsp(config: StorageConfig): string {
  const media = ["'self'", 'data:', 'blob:', ...storageOrigins(config)].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${media}`,
    `media-src ${media}`,
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
