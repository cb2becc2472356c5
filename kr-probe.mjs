import { AsyncEntry } from '@napi-rs/keyring';
import { execSync } from 'node:child_process';
const e = () => new AsyncEntry('dbv-probe', 'acct', { linux: { store: 'secret-service' } });
await e().setPassword('one');
console.log('get before:', await e().getPassword());
execSync('pkill -9 -x gnome-keyring-d');
for (const wait of [0, 30, 300, 1000]) {
  await new Promise(r => setTimeout(r, wait));
  try { console.log(`after +${wait} ms get:`, await e().getPassword()); }
  catch (err) { console.log(`after +${wait} ms get error:`, err.message); }
}
await e().setPassword('two');
console.log('set/get after restart:', await e().getPassword());
