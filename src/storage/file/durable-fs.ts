/**
 * The few filesystem operations the engine's durability rules rest on.
 *
 * - Metadata is replaced atomically: write a temp file, fsync it, rename over, fsync the directory.
 * - New files are made durable with their directory entry: fsync the file, then the directory.
 * - Positional reads and vectored writes loop until every byte is transferred.
 */
import { constants } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/** fsyncs a directory so that entries created, renamed or removed in it survive a crash. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `data` to a new or truncated file and fsyncs it (the caller fsyncs the directory). */
export async function writeFileSynced(path: string, data: Buffer | string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces `path` with `data` atomically and durably (temp file, fsync, rename, fsync directory). */
export async function writeFileAtomic(path: string, data: Buffer | string): Promise<void> {
  const temp = `${path}.tmp`;
  await writeFileSynced(temp, data);
  await rename(temp, path);
  await fsyncDir(dirname(path));
}

/** Reads exactly `length` bytes at `position` (fewer only at end of file). */
export async function readRange(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/** Writes every buffer back to back at `position`, looping over partial writes. */
export async function writevAll(handle: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  let pending = buffers;
  while (pending.length > 0) {
    let { bytesWritten } = await handle.writev(pending, position);
    position += bytesWritten;
    let i = 0;
    while (i < pending.length && bytesWritten >= pending[i].length) bytesWritten -= pending[i++].length;
    pending = i < pending.length ? [pending[i].subarray(bytesWritten), ...pending.slice(i + 1)] : [];
  }
}
