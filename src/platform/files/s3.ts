import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { pipeline, type Readable } from 'node:stream';
import { FileNotFoundError, FileTooLargeError, type ByteRange, type FileStat, type FileStore, type PutOptions, type StoredFile } from './file-store.ts';
import { isFileKey, measure, newFileKey } from './measure.ts';

export interface S3Options {
  bucket: string;
  region: string;
  /** An S3-compatible server's address; unset: Amazon S3. */
  endpoint?: string | undefined;
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  /** `endpoint/bucket/key` addresses instead of `bucket.endpoint/key` (most self-hosted servers want this). */
  forcePathStyle?: boolean;
  /** Bytes per part of a multipart upload (S3's minimum is 5 MiB). */
  partSize?: number;
}

const PART_SIZE = 8 * 1024 * 1024;

/**
 * Files in a bucket of any S3-compatible store. A file is streamed in parts (a multipart upload once it passes one
 * part), counted against the limit and hashed on the way; a failed or refused upload is aborted, so no object and
 * no stray parts remain. Memory held per upload: about two parts.
 */
export class S3FileStore implements FileStore {
  private readonly client: S3Client;

  constructor(private readonly options: S3Options) {
    this.client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? false,
      ...(options.accessKeyId && options.secretAccessKey ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } } : {}),
      // Checksums only where S3 requires them: the streaming trailers the SDK would add by default are not
      // understood by every S3-compatible server, and we hash the content ourselves.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  private checked(key: string): string {
    if (!isFileKey(key)) throw new Error(`not a file key: ${key}`);
    return key;
  }

  async put(content: Readable, options: PutOptions = {}): Promise<StoredFile> {
    const key = newFileKey();
    const measured = measure(options.maxBytes);
    let failure: Error | undefined;
    const body = pipeline(content, measured.stream, (error) => { if (error) failure = error; });
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.options.bucket, Key: key, Body: body },
      partSize: this.options.partSize ?? PART_SIZE,
      queueSize: 2,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      body.destroy();
      // The stream's own failure (the size limit, a client gone away) says more than the SDK's wrapper of it.
      throw failure instanceof FileTooLargeError ? failure : (failure ?? error);
    }
    if (failure) {
      await this.delete(key);
      throw failure;
    }
    return { key, size: measured.size(), sha256: measured.sha256() };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const answer = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.checked(key), ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }))
      .catch((error: unknown) => {
        throw error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404) ? new FileNotFoundError(key) : error;
      });
    return answer.Body as Readable;
  }

  async stat(key: string): Promise<FileStat | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.checked(key) }));
      return { size: head.ContentLength ?? 0, modifiedAt: head.LastModified ?? new Date(0) };
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.checked(key) }));
  }
}
