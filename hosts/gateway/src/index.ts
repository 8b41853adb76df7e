export { createGateway, type GatewayOptions } from './gateway.js';
export { loadKongConfig, renderKongConfig } from './kong-config.js';
