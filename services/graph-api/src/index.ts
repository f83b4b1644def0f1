export { createService, type GraphApiService, type GraphApiSettings } from './service';
export {
  DEFAULT_ROOT_CAUSE_SETTINGS,
  PROCESS_TRANSFER,
  normaliseContributions,
  rankRootCauses,
  reviseDownstream,
  type AnomalyInput,
  type Candidate,
  type Evidence,
  type RootCauseResult,
  type RootCauseSettings,
  type RootCauseStore,
} from './domain/root-cause';
