export { FileNotFoundError, FileTooLargeError, type ByteRange, type FileStat, type FileStore, type PutOptions, type StoredFile } from './file-store.ts';
export { LocalDiskFileStore, localFileStore } from './local-disk.ts';
export { nameFitsType, sniffContentType, storedContentType, type SniffedType } from './content-type.ts';
export { isPendingUpload, pendingUploadParser, type PendingUpload, type PendingUploadOptions, type ReceivedFile, type UploadedFile } from './pending-upload.ts';
export { S3FileStore, type S3Options } from './s3.ts';
export { fileStoreFor } from './from-config.ts';
