import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { BridgeError } from '../../protocol/index.js';

/**
 * The bytes of `secrets.enc`, version 1:
 *
 *   offset size
 *        0    8  magic "DBVSECRT"
 *        8    1  format version (1)
 *        9    1  kdf id (1 = scrypt)
 *       10    1  scrypt log2(N)
 *       11    1  scrypt r
 *       12    1  scrypt p
 *       13   16  kdf salt: random, chosen when the master password is set or changed
 *       29   16  password check: HMAC-SHA256(masterKey, CHECK_LABEL), first 16 bytes
 *       45   16  write salt: random per write; the file key is HKDF-SHA256(masterKey, writeSalt)
 *       61   12  AES-GCM IV: random per write
 *       73    …  AES-256-GCM ciphertext of UTF-8 JSON {"v":1,"secrets":{key:value}}
 *   end-16   16  GCM tag
 *
 * The whole 73-byte header is the GCM additional data, so no header byte can be changed unnoticed.
 * scrypt runs once per unlock (~0.7 s at N=2^17); every write still gets a fresh salt and IV through the cheap HKDF step.
 * The password check tells a wrong password apart from a damaged ciphertext, which GCM alone cannot: both only fail
 * the tag. It gives an offline guesser nothing the tag does not, since every guess still costs one scrypt.
 */
const MAGIC = Buffer.from('DBVSECRT', 'latin1');
const FORMAT_VERSION = 1;
const KDF_SCRYPT = 1;
const SALT_BYTES = 16;
const CHECK_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = MAGIC.length + 5 + SALT_BYTES + CHECK_BYTES + SALT_BYTES + IV_BYTES;
const KEY_BYTES = 32;
const CHECK_LABEL = 'dbv secrets.enc v1 password check';
const FILE_KEY_INFO = 'dbv secrets.enc v1 aes-256-gcm';

export interface ScryptParams {
  log2N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ log2N: 17, r: 8, p: 1 });

/** The parts of a master key that a write needs again; the key itself is zeroed on lock. */
export interface MasterKey {
  key: Buffer;
  kdfSalt: Buffer;
  params: ScryptParams;
}

interface ParsedFile {
  header: Buffer;
  params: ScryptParams;
  kdfSalt: Buffer;
  check: Buffer;
  writeSalt: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

export function corruptFileError(detail: string): BridgeError {
  return new BridgeError(
    'SECRET_LOCKED',
    'The encrypted secrets file is damaged and cannot be read; it was left untouched.',
    { reason: 'corrupt', detail },
  );
}

export function wrongPasswordError(): BridgeError {
  return new BridgeError('SECRET_LOCKED', 'The master password is wrong.', { reason: 'wrong-password' });
}

/** Params a file may carry: enough to be meaningful, bounded so a tampered header cannot demand gigabytes or hours. */
function checkParams(params: ScryptParams): boolean {
  const { log2N, r, p } = params;
  return log2N >= 10 && log2N <= 20 && r >= 1 && r <= 32 && p >= 1 && p <= 16 && scryptMemory(params) <= 2 ** 30;
}

function scryptMemory({ log2N, r, p }: ScryptParams): number {
  return 128 * r * (2 ** log2N + p + 2);
}

/** Async scrypt: the ~0.7 s run happens on the libuv thread pool, not on the event loop. */
export function deriveMasterKey(password: string, kdfSalt: Buffer, params: ScryptParams): Promise<MasterKey> {
  if (!checkParams(params)) return Promise.reject(corruptFileError('unsupported scrypt parameters'));
  const maxmem = Math.max(256 * 1024 * 1024, 2 * scryptMemory(params));
  return new Promise((resolve, reject) => {
    scrypt(password, kdfSalt, KEY_BYTES, { N: 2 ** params.log2N, r: params.r, p: params.p, maxmem }, (error, key) => {
      if (error) reject(new BridgeError('INTERNAL', 'Deriving the key of the secrets file failed.', { reason: error.message }));
      else resolve({ key, kdfSalt: Buffer.from(kdfSalt), params: { ...params } });
    });
  });
}

export function newKdfSalt(): Buffer {
  return randomBytes(SALT_BYTES);
}

function passwordCheck(key: Buffer): Buffer {
  return createHmac('sha256', key).update(CHECK_LABEL).digest().subarray(0, CHECK_BYTES);
}

function fileKey(master: Buffer, writeSalt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', master, writeSalt, FILE_KEY_INFO, KEY_BYTES));
}

/** Splits and validates the structure only; says nothing yet about the password. Throws the 'corrupt' error. */
export function parseSecretsFile(bytes: Buffer): ParsedFile {
  if (bytes.length < HEADER_BYTES + TAG_BYTES) throw corruptFileError('file too short');
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw corruptFileError('not a DB Visualizer secrets file');
  let at = MAGIC.length;
  const version = bytes[at++];
  if (version !== FORMAT_VERSION) throw corruptFileError(`unsupported format version ${version}`);
  if (bytes[at++] !== KDF_SCRYPT) throw corruptFileError('unsupported key derivation');
  const params = { log2N: bytes[at++], r: bytes[at++], p: bytes[at++] };
  if (!checkParams(params)) throw corruptFileError('unsupported scrypt parameters');
  const take = (n: number): Buffer => bytes.subarray(at, (at += n));
  const kdfSalt = take(SALT_BYTES);
  const check = take(CHECK_BYTES);
  const writeSalt = take(SALT_BYTES);
  const iv = take(IV_BYTES);
  return {
    header: bytes.subarray(0, HEADER_BYTES),
    params,
    kdfSalt,
    check,
    writeSalt,
    iv,
    ciphertext: bytes.subarray(HEADER_BYTES, bytes.length - TAG_BYTES),
    tag: bytes.subarray(bytes.length - TAG_BYTES),
  };
}

/** Whether `master` is the key this file was written with (constant-time). */
export function keyMatches(master: MasterKey, file: ParsedFile): boolean {
  return timingSafeEqual(passwordCheck(master.key), file.check);
}

/** Decrypts a file whose key already matched; a failing tag or a bad payload now means damage, not a wrong password. */
export function openSecrets(master: MasterKey, file: ParsedFile): Map<string, string> {
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', fileKey(master.key, file.writeSalt), file.iv, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(file.header);
    decipher.setAuthTag(file.tag);
    plaintext = Buffer.concat([decipher.update(file.ciphertext), decipher.final()]);
  } catch {
    throw corruptFileError('authentication failed: ciphertext or tag altered');
  }
  try {
    const parsed = JSON.parse(plaintext.toString('utf8')) as { v?: unknown; secrets?: unknown };
    if (parsed.v !== 1 || parsed.secrets === null || typeof parsed.secrets !== 'object') throw new Error('shape');
    const secrets = new Map<string, string>();
    for (const [key, value] of Object.entries(parsed.secrets)) {
      if (typeof value === 'string') secrets.set(key, value);
    }
    return secrets;
  } catch {
    throw corruptFileError('unreadable payload');
  } finally {
    plaintext.fill(0);
  }
}

/** A complete file for these secrets, with a fresh write salt and IV. */
export function sealSecrets(master: MasterKey, secrets: ReadonlyMap<string, string>): Buffer {
  const { log2N, r, p } = master.params;
  const writeSalt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const header = Buffer.concat([
    MAGIC,
    Buffer.from([FORMAT_VERSION, KDF_SCRYPT, log2N, r, p]),
    master.kdfSalt,
    passwordCheck(master.key),
    writeSalt,
    iv,
  ]);
  const cipher = createCipheriv('aes-256-gcm', fileKey(master.key, writeSalt), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(header);
  const plaintext = Buffer.from(JSON.stringify({ v: 1, secrets: Object.fromEntries(secrets) }), 'utf8');
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  plaintext.fill(0);
  return Buffer.concat([header, ciphertext, cipher.getAuthTag()]);
}

export function zeroMasterKey(master: MasterKey): void {
  master.key.fill(0);
}
