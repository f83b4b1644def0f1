/**
 * The node/V8 flags anomaly-api is deployed with: NODE_OPTIONS in services/anomaly-api/Dockerfile (a test keeps
 * the two equal). The bench's server runs with them unless `--server-flags` says otherwise.
 */
export const DEPLOYED_NODE_FLAGS = '--max-semi-space-size=2 --v8-pool-size=1';
