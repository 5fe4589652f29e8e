/**
 * The clients of the Kafka crash cycles: idempotent producers that number every record and note
 * which sends were acknowledged, and a group consumer that commits as it goes and notes which
 * commits were acknowledged. Both keep running while the broker is killed and restarted.
 */
import type { Kafka, RecordMetadata } from 'kafkajs';
import { idempotentProducer, NO_SELF_RESTART, recordMessage, recordValue } from './kafka-crash-kit.js';

const RECORDS_PER_SEND = 12;

/** One acknowledged send: its records, the producer session, and the broker's answer. */
export interface AcknowledgedSend {
  session: string;
  records: number[];
  metadata: RecordMetadata[];
  /** The send was in flight across a broker kill (its retry reached the restarted broker). */
  crossedCrash: boolean;
}

/** What the producers did. */
export interface ProduceLedger {
  /** Highest record number handed out plus one. */
  nextRecord: number;
  acknowledged: AcknowledgedSend[];
  /** Records of sends that failed; each record is sent once, by one session, so these may be stored or not. */
  unacknowledged: Set<number>;
  sessions: number;
}

/** Lets workers see that the broker was killed while a send was in flight. */
export interface CrashClock {
  /** How many kills have happened so far. */
  kills: number;
}

/** A running group of producers; `stop` lets the current sends finish and resolves with the ledger. */
export function startProducers(kafka: Kafka, topic: string, partitions: number, workers: number, clock: CrashClock): { ledger: ProduceLedger; stop(): Promise<ProduceLedger> } {
  const ledger: ProduceLedger = { nextRecord: 0, acknowledged: [], unacknowledged: new Set(), sessions: 0 };
  let stopping = false;

  const worker = async (id: number) => {
    while (!stopping) {
      const session = `w${id}s${ledger.sessions++}`;
      const producer = idempotentProducer(kafka);
      let records: number[] = [];
      try {
        await producer.connect();
        while (!stopping) {
          records = Array.from({ length: RECORDS_PER_SEND }, () => ledger.nextRecord++);
          const killsBefore = clock.kills;
          const metadata = await producer.send({ topic, acks: -1, messages: records.map((n) => recordMessage(n, partitions, session)) });
          ledger.acknowledged.push({ session, records, metadata, crossedCrash: clock.kills !== killsBefore });
          records = [];
        }
      } catch {
        // The session gave up on this send; its records stay unacknowledged and a new session goes on.
        for (const n of records) ledger.unacknowledged.add(n);
      } finally {
        await producer.disconnect().catch(() => undefined);
      }
    }
  };

  const running = Promise.all(Array.from({ length: workers }, (_, id) => worker(id)));
  return {
    ledger,
    async stop() {
      stopping = true;
      await running;
      return ledger;
    },
  };
}

/** What the committing consumer saw and which commits the broker acknowledged. */
export interface CommitLedger {
  consumed: number;
  /** Per partition, the highest offset whose OffsetCommit was acknowledged. */
  acknowledged: Map<number, number>;
  /** Records whose value did not match their number. */
  badValues: number[];
  /** Consumers started: the first, plus one for each that kafkajs gave up on. */
  consumers: number;
}

/** A running committing consumer; `stop` disconnects it for good. */
export interface CommittingConsumer {
  ledger: CommitLedger;
  stop(): Promise<void>;
}

/**
 * Starts a group consumer that checks each record's value and lets kafkajs commit after every
 * batch; a commit counts as acknowledged when kafkajs reports it done (after the broker's answer).
 * When kafkajs gives up on the consumer (a crash while the broker is down), a new consumer takes
 * its place, as kafkajs' own restart would: a new member of the group. Doing the restart here
 * rather than in kafkajs lets `stop` end the current consumer with no restart racing it.
 */
export function startCommittingConsumer(kafka: Kafka, topic: string, groupId: string): CommittingConsumer {
  const ledger: CommitLedger = { consumed: 0, acknowledged: new Map(), badValues: [], consumers: 0 };
  let stopping = false;
  let requestStop = () => {};
  const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));

  const runOne = async () => {
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, heartbeatInterval: 200, sessionTimeout: 10_000, rebalanceTimeout: 10_000, retry: NO_SELF_RESTART });
    ledger.consumers++;
    const crashed = new Promise<void>((resolve) => consumer.on(consumer.events.CRASH, () => resolve()));
    consumer.on(consumer.events.COMMIT_OFFSETS, ({ payload }) => {
      for (const t of payload.topics) {
        for (const p of t.partitions) {
          const partition = Number(p.partition);
          ledger.acknowledged.set(partition, Math.max(Number(p.offset), ledger.acknowledged.get(partition) ?? 0));
        }
      }
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            const n = Number(message.key!.toString());
            if (message.value?.toString() !== recordValue(n)) ledger.badValues.push(n);
          }
          ledger.consumed += batch.messages.length;
        },
      });
      await Promise.race([crashed, stopRequested]);
    } catch {
      // The broker was down while the consumer started; a new one tries again.
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  };

  const running = (async () => {
    while (!stopping) {
      await runOne();
      if (!stopping) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    ledger,
    async stop() {
      stopping = true;
      requestStop();
      await running;
    },
  };
}
