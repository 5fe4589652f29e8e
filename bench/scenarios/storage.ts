import { execFile } from 'node:child_process';
import { REPO_ROOT } from '../lib/brokers/switchyard.js';
import { BROKER_CPU, canPin } from '../lib/child.js';
import type { Measured, Scenario, Target } from '../lib/scenario.js';

const MODES = ['always', 'batch', 'never'] as const;

/** One line of bench/storage.ts's table: appends and rates of the engine and of the raw file append. */
interface StorageLine {
  appends: number;
  rate: number;
  mbps: number;
  rawRate: number;
  rawMbps: number;
}

/** Runs bench/storage.ts once on the broker core and parses its table (mode, appends, appends/s, MB/s, raw appends/s, raw MB/s, ...). */
function runStorageBench(quick: boolean, signal: AbortSignal): Promise<Map<string, StorageLine>> {
  const node = [process.execPath, '--import', 'tsx', 'bench/storage.ts'];
  const [file, args] = canPin ? ['taskset', ['-c', BROKER_CPU, ...node]] : [node[0], node.slice(1)];
  const env = { ...process.env, ...(quick ? { SWITCHYARD_BENCH_COUNT: '5000', SWITCHYARD_BENCH_ROUNDS: '1' } : {}) };
  return new Promise((resolve, reject) =>
    execFile(file, args, { cwd: REPO_ROOT, env, signal, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`bench/storage.ts failed: ${error.message}\n${stderr}`));
      const lines = new Map<string, StorageLine>();
      for (const line of stdout.split('\n')) {
        const cells = line.trim().split(/\s+/);
        if (!MODES.includes(cells[0] as (typeof MODES)[number])) continue;
        const [appends, rate, mbps, rawRate, rawMbps] = cells.slice(1, 6).map(Number);
        lines.set(cells[0], { appends, rate, mbps, rawRate, rawMbps });
      }
      if (lines.size === 0) return reject(new Error(`bench/storage.ts printed no table:\n${stdout}`));
      resolve(lines);
    }),
  );
}

function measured(appends: number, rate: number, mbps: number): Measured {
  const seconds = appends / rate;
  return { messages: appends, bytes: mbps * 1e6 * seconds, seconds };
}

/** The storage engine alone (bench/storage.ts, run as one scenario): engine appends next to the raw file append. */
export const storageScenario: Scenario = {
  name: 'storage',
  title: 'Storage engine appends, 1 KiB records, 256 in flight',
  measures:
    'Runs bench/storage.ts on the broker core: one-record batches appended to the file engine in each fsync mode, next to a raw sequential append of the same bytes under the same sync policy (medians of its rounds).',
  targets(quick) {
    let table: Promise<Map<string, StorageLine>> | undefined;
    const line = async (mode: string, signal: AbortSignal) => {
      table ??= runStorageBench(quick, signal);
      const found = (await table).get(mode);
      if (!found) throw new Error(`bench/storage.ts reported no ${mode} line`);
      return found;
    };
    return MODES.flatMap((mode): Target[] => [
      {
        broker: 'switchyard-engine',
        variant: `fsync ${mode}`,
        client: 'in-process',
        durability: `file engine, --fsync ${mode}`,
        run: async (_broker, signal) => {
          const l = await line(mode, signal);
          return measured(l.appends, l.rate, l.mbps);
        },
      },
      {
        broker: 'ceiling-append',
        variant: `fsync ${mode}`,
        client: 'node fs',
        durability: mode === 'always' ? 'write + fdatasync per record' : mode === 'batch' ? 'writev of 256 records + one fdatasync' : 'writev of 256 records, no sync',
        run: async (_broker, signal) => {
          const l = await line(mode, signal);
          return measured(l.appends, l.rawRate, l.rawMbps);
        },
      },
    ]);
  },
  notes: () => ['figures come from bench/storage.ts (engine and raw append in one process), so CPU and RSS columns are empty; latency is not measured there.'],
};
