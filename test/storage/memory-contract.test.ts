import { MemoryLogStore } from '../../src/storage/memory-store.js';
import { runLogContract } from './log-contract.js';

runLogContract('MemoryLogStore', async () => {
  const store = new MemoryLogStore();
  return { store, cleanup: () => store.close() };
});
