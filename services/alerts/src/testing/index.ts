export { T0, anomaly, prediction, testSettings } from './fixtures';
export { startHttpReceiver, startSmtpReceiver, type HttpReceiver, type SmtpReceiver } from './receivers';
