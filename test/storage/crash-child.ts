/**
 * Child process of crash.test.ts: appends batches with recognisable values to one log until it is
 * killed, printing `<baseOffset> <recordCount> <prefix>` once each append is acknowledged.
 * Usage: node --import tsx crash-child.ts <dataDir> <fsync mode> <cycle>
 */
import { FileLogStore } from '../../src/storage/file/file-log-store.js';
import { encodeBatch } from '../../src/storage/record-batch.js';
import type { FsyncMode } from '../../src/storage/types.js';
import { CRASH_LOG, CRASH_LOG_CONFIG, crashRecordValue } from './crash-kit.js';

const [dataDir, fsync, cycle] = process.argv.slice(2);
const store = await FileLogStore.open(dataDir, { fsync: fsync as FsyncMode });
const log = await store.open(CRASH_LOG, CRASH_LOG_CONFIG);
let sequence = 0;

async function appender(): Promise<never> {
  for (;;) {
    const prefix = `c${cycle}-${sequence++}`;
    const count = 1 + (sequence % 3);
    const records = Array.from({ length: count }, (_, i) => ({ key: null, value: crashRecordValue(prefix, i) }));
    const { baseOffset } = await log.append(encodeBatch(records));
    process.stdout.write(`${baseOffset} ${count} ${prefix}\n`);
  }
}

await Promise.all(Array.from({ length: 8 }, appender));
