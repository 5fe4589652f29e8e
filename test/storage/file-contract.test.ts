import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileLogStore } from '../../src/storage/file/file-log-store.js';
import { runLogContract } from './log-contract.js';

runLogContract('FileLogStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-file-contract-'));
  const store = await FileLogStore.open(dir);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
