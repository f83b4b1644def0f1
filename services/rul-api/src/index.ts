/** What other processes may compose (the lite profile runs every service in one process); main.ts runs it alone. */
export { createService, type RulService, type RulSettings } from './service';
export { readConfig, DEFAULT_MODELS_DIR, type Config } from './config';
export { ForecastBody } from './http/forecast.schemas';
