export { describeGraphStoreContract, type GraphStoreHarness } from './graph-store.contract';
