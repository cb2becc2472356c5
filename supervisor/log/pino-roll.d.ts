/** pino-roll ships no types; this is the part of its API the logger uses. */
declare module 'pino-roll' {
  import type { DestinationStream } from 'pino';
  interface PinoRollOptions {
    file: string;
    extension?: string;
    frequency?: 'daily' | 'hourly' | number;
    size?: string | number;
    limit?: { count?: number };
    mkdir?: boolean;
  }
  export default function roll(options: PinoRollOptions): Promise<DestinationStream & { flushSync?(): void; end(): void }>;
}
