/** Following a log file that another process appends to (tmate's, for a share's start and its life after). */
import { watch, type FSWatcher } from 'node:fs';
import { open } from 'node:fs/promises';
import { EventEmitter } from 'node:events';

/**
 * Follows a log file that another process appends to: emits 'line' for each complete line, from `offset`
 * on. fs.watch (inotify, FSEvents) wakes it; nothing polls.
 */
export class LogFollower extends EventEmitter<{ line: [string]; error: [unknown] }> {
  private watcher: FSWatcher | undefined;
  private offset: number;
  private partial = '';
  private reading: Promise<void> | undefined;
  private again = false;

  constructor(
    readonly file: string,
    offset = 0,
  ) {
    super();
    this.offset = offset;
  }

  start(): this {
    this.watcher = watch(this.file, { persistent: false }, () => void this.pump());
    this.watcher.on('error', () => this.close());
    void this.pump();
    return this;
  }

  /** Reads whatever was appended since the last read; coalesces calls that arrive while reading. */
  pump(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        await this.readNew();
      } while (this.again);
    })().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async readNew(): Promise<void> {
    let handle;
    try {
      handle = await open(this.file, 'r');
    } catch {
      return;
    }
    try {
      for (;;) {
        const buffer = Buffer.alloc(64 * 1024);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        const text = this.partial + buffer.subarray(0, bytesRead).toString('utf8');
        const lines = text.split('\n');
        this.partial = lines.pop() ?? '';
        for (const line of lines) this.emit('line', line);
      }
    } catch (error) {
      this.emit('error', error);
    } finally {
      await handle.close();
    }
  }

  get position(): number {
    return this.offset - Buffer.byteLength(this.partial);
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}
