import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

/** A real S3-compatible server (s3rver) on 127.0.0.1, one bucket, its data in a temporary folder. */
export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** s3rver's documented development credentials. */
  accessKeyId: string;
  secretAccessKey: string;
  /** The configuration keys that point smartgov at it. */
  config: Record<string, string>;
  close(): Promise<void>;
}

export async function startTestS3(bucket = 'smartgov-files'): Promise<TestS3> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 's3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint, bucket, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER',
    config: { FILE_STORE: 's3', S3_ENDPOINT: endpoint, S3_BUCKET: bucket, S3_REGION: 'us-east-1', S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER', S3_FORCE_PATH_STYLE: 'true' },
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
