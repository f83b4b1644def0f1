export {
  CHANGE_HEADER,
  INSTANCE_HEADER,
  createService,
  type AlertsService,
  type AlertsSettings,
} from './service';
export { readConfig, type Config } from './config';
export { createSenders } from './notifier/channels';
export {
  createEmailSender,
  createSlackSender,
  createWebhookSender,
  IDEMPOTENCY_HEADER,
  type Sender,
} from './notifier/senders';
export { evaluateAnomaly, evaluatePrediction } from './domain/rules';
