/**
 * The node/V8 flags rul-api is deployed with: NODE_OPTIONS in services/rul-api/Dockerfile (a test keeps the two
 * equal). The bench's rul-api runs with them unless `--server-flags` says otherwise.
 */
export const DEPLOYED_NODE_FLAGS = '--max-semi-space-size=2 --v8-pool-size=1';
