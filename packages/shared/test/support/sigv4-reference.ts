// An independent check of a presigned S3 URL: the aws4 package (a SigV4 implementation that shares no code with
// the AWS SDK) signs the same request again from the URL's own parameters, and the two signatures must agree.
// s3rver 3.7.1 checks a presigned URL's access key and expiry but not its SigV4 signature, so this is where a
// tampered URL is caught in tests; AWS S3 and the S3-compatible servers answer such a URL with 403.
import aws4 from 'aws4';

export function sigV4SignatureMatches(url: string | URL, credentials: { accessKeyId: string; secretAccessKey: string }, region = 'us-east-1'): boolean {
  const signed = new URL(url);
  const provided = signed.searchParams.get('X-Amz-Signature');
  if (provided === null) return false;
  const unsigned = new URLSearchParams(signed.searchParams);
  unsigned.delete('X-Amz-Signature');
  const request = aws4.sign(
    { host: signed.host, path: `${signed.pathname}?${unsigned.toString()}`, method: 'GET', service: 's3', region, signQuery: true },
    credentials,
  );
  const recomputed = new URL(request.path ?? '', signed.origin).searchParams.get('X-Amz-Signature');
  return recomputed === provided;
}
