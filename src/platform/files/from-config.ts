import type { Config } from '../config.ts';
import type { FileStore } from './file-store.ts';
import { localFileStore } from './local-disk.ts';
import { S3FileStore } from './s3.ts';

const stores = new WeakMap<Config, FileStore>();

/**
 * The deployment's file store: local disk under DATA_DIR by default, an S3-compatible bucket with FILE_STORE=s3. One
 * per configuration, so that the modules and the clean-up loop that ask for it share one S3 client.
 */
export function fileStoreFor(config: Config): FileStore {
  let store = stores.get(config);
  if (!store) stores.set(config, (store = config.FILE_STORE === 'local' ? localFileStore(config.DATA_DIR) : new S3FileStore({
    bucket: config.S3_BUCKET!, region: config.S3_REGION, endpoint: config.S3_ENDPOINT, forcePathStyle: config.S3_FORCE_PATH_STYLE,
    accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY,
  })));
  return store;
}
