/** The benchmark's only environment read: the service process inherits it (PATH, NODE_OPTIONS...). */
export const INHERITED_ENV: Record<string, string | undefined> = { ...process.env };
