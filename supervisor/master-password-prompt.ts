/**
 * The CLI's way to unlock the encrypted secrets file when a person runs the bridge in a terminal: a prompt on stderr
 * with the typed characters hidden. (The other ways: `secret.unlock` from the UI, or $DBV_MASTER_PASSWORD.)
 * It reads raw keystrokes, so the password never echoes and never enters shell history.
 */
import type { ReadStream } from 'node:tty';
import { BridgeError } from '../protocol/index.js';

export interface Unlockable {
  status(): { backend: string; locked: boolean };
  unlock(masterPassword: string): Promise<void>;
}

const MAX_ATTEMPTS = 3;

/** Prompts until the store unlocks, attempts run out, or the user presses Ctrl-C / Ctrl-D (then resolves false). */
export async function promptForMasterPassword(store: Unlockable, input: ReadStream, output: NodeJS.WritableStream): Promise<boolean> {
  // Echo stays off from before the first prompt is shown until the last answer is in, so nothing typed or pasted the
  // moment a prompt appears, or while a wrong password is being checked, ever shows on the screen.
  input.setRawMode(true);
  try {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      output.write('The secrets file is locked. Master password: ');
      const password = await readHidden(input);
      output.write('\n');
      if (password === null) return false;
      try {
        await store.unlock(password);
        output.write('Secrets unlocked.\n');
        return true;
      } catch (error) {
        const e = BridgeError.from(error);
        output.write(e.code === 'SECRET_LOCKED' ? 'Wrong master password.\n' : `Could not unlock: ${e.message}\n`);
      }
    }
    output.write('Secrets stay locked; unlock them from the UI (secret.unlock).\n');
    return false;
  } finally {
    input.setRawMode(false);
  }
}

function readHidden(input: ReadStream): Promise<string | null> {
  return new Promise((resolve) => {
    let typed = '';
    input.resume();
    const finish = (value: string | null): void => {
      input.off('data', onData);
      input.pause();
      resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish(typed);
        if (char === '\u0003' || char === '\u0004') return finish(null); // Ctrl-C, Ctrl-D
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else if (char >= ' ') typed += char;
      }
    };
    input.on('data', onData);
  });
}
