// A helper thread of a team engine (src/engine/team.ts): started by worker.ts for a wide network
// when the page is cross-origin isolated.
import { teamHelper, type TeamRequest } from '../src/index.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const handle = teamHelper((m) => scope.postMessage(m));
scope.onmessage = (ev: MessageEvent<TeamRequest>) => handle(ev.data);
