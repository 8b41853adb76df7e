import { WebSocket } from 'ws';
import type { SocketConstructor } from './chat.js';

/**
 * Node 20 has no global WebSocket (Node 22 has): `client.chat({ WebSocket: NodeWebSocket })`. A subpath of its own
 * so browser bundles never pull in `ws`.
 */
export const NodeWebSocket = WebSocket as unknown as SocketConstructor;
