// A controller for ssh-shell.test.ts to kill: opens a connection, prints its remote shell's pid,
// then waits to be killed with the connection still open.
import { createConnection } from '../../../runner/connection/index.js';

const conn = await createConnection('h-holder', JSON.parse(process.env['OSM_SHELL_HOLDER_VARS'] ?? '{}'));
const r = await conn.exec({ script: process.env['OSM_SHELL_PID_SCRIPT'] ?? 'echo none' });
process.stdout.write(`${r.stdout.trim()}\n`);
setInterval(() => {}, 60_000);
