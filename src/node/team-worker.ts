// worker_threads entry of one helper thread of a team engine (src/engine/team.ts).
import { parentPort } from 'node:worker_threads';
import { teamHelper } from '../engine/team.js';
import type { TeamReply } from '../engine/team.js';

parentPort!.on('message', teamHelper((m: TeamReply) => parentPort!.postMessage(m)));
