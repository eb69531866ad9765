import type { Config } from '../config.ts';
import type { FileStore } from './file-store.ts';
import { localFileStore } from './local-disk.ts';
import { S3FileStore } from './s3.ts';

/** The deployment's file store: local disk under DATA_DIR by default, an S3-compatible bucket with FILE_STORE=s3. */
export function fileStoreFor(config: Config): FileStore {
  if (config.FILE_STORE === 'local') return localFileStore(config.DATA_DIR);
  return new S3FileStore({
    bucket: config.S3_BUCKET!, region: config.S3_REGION, endpoint: config.S3_ENDPOINT, forcePathStyle: config.S3_FORCE_PATH_STYLE,
    accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY,
  });
}
