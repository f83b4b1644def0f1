/** The benchmark's only environment reads: where Neo4j is unless options say otherwise. */
export const DEFAULT_NEO4J_URI = process.env.NEO4J_URI ?? 'bolt://127.0.0.1:7687';
export const DEFAULT_NEO4J_USER = process.env.NEO4J_USER ?? 'neo4j';
export const DEFAULT_NEO4J_PASSWORD = process.env.NEO4J_PASSWORD ?? 'industrialmind-local';
