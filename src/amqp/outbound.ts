import type { Socket } from 'node:net';
import { FrameWriter } from './codec/frame-writer.js';
import type { ReadGate } from './read-gate.js';

/** Stop reading from the socket while more than this many bytes wait to be written to it. */
const READ_PAUSE_BYTES = 4 * 1024 * 1024;

/**
 * Stop producing deliveries while more than this many bytes wait to be written (well above the
 * socket's own 16 KiB mark, so that a briefly slow reader does not stall every queue it consumes).
 */
const CONGESTED_BYTES = 512 * 1024;

/** Write at once rather than at the end of the turn when this much output has been encoded. */
const EARLY_FLUSH_BYTES = 256 * 1024;

/** What the connection is told when the socket's write side fills up or drains. */
export interface BackpressureListener {
  /** The socket cannot take more now: stop producing deliveries. */
  onCongested(): void;
  /** The socket drained. */
  onDrained(): void;
}

/**
 * The write side of a connection: frames appended during one turn of the event loop go to the socket
 * in one corked burst. Reports congestion when the socket buffers, and stops reading from a socket
 * whose unwritten output exceeds a threshold until it drains.
 */
export class Outbound {
  /** Append frames here, then call `schedule()`. */
  readonly frames: FrameWriter;
  /** Time (ms) of the last write, for heartbeats. */
  lastWrite = Date.now();
  private scheduled = false;
  private congested = false;
  private readPaused = false;

  constructor(
    private readonly socket: Socket,
    frameMax: number,
    private readonly listener: BackpressureListener,
    private readonly readGate: ReadGate,
  ) {
    this.frames = new FrameWriter(frameMax);
    socket.on('drain', () => this.drained());
  }

  /** Arranges a flush at the end of this turn of the event loop (or flushes now once much is pending). */
  schedule(): void {
    if (this.frames.pendingBytes >= EARLY_FLUSH_BYTES) return this.flushNow();
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.flushScheduled);
  }

  private readonly flushScheduled = (): void => {
    this.scheduled = false;
    this.flushNow();
  };

  /** Writes everything appended so far, now. */
  flushNow(): void {
    const parts = this.frames.take();
    if (parts.length === 0 || this.socket.destroyed || !this.socket.writable) return;
    this.lastWrite = Date.now();
    let writable = true;
    if (parts.length === 1) {
      writable = this.socket.write(parts[0]!);
    } else {
      this.socket.cork();
      for (const part of parts) writable = this.socket.write(part);
      this.socket.uncork();
    }
    if (!writable && !this.congested && this.socket.writableLength > CONGESTED_BYTES) {
      this.congested = true;
      this.listener.onCongested();
    }
    if (this.socket.writableLength > READ_PAUSE_BYTES && !this.readPaused) {
      this.readPaused = true;
      this.readGate.close('output-full');
    }
  }

  private drained(): void {
    if (this.readPaused) {
      this.readPaused = false;
      this.readGate.open('output-full');
    }
    if (this.congested) {
      this.congested = false;
      this.listener.onDrained();
    }
  }
}
