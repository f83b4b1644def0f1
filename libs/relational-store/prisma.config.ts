// Read by the Prisma CLI only (`prisma generate` here; `prisma migrate deploy` where the schema engine exists).
// The application never reads it: adapters receive their connection settings from env.ts.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    // eslint-disable-next-line no-restricted-properties -- the Prisma CLI's own config file
    url: process.env.DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432/postgres',
  },
});
