/** What other processes may compose (the lite profile runs every service in one process); main.ts runs it alone. */
export { createService, type IngestionService, type IngestionSettings } from './service';
export { readConfig, type Config } from './config';
export { toPoint } from './domain/to-point';
