// Schema tooling only (prisma generate / migrate diff / migrate status). The app applies the committed
// migrations itself at start (server/db/migrate.ts); nothing here runs in the app.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { defineConfig } from "prisma/config";

// prisma/orm#27403: the JS schema engine cannot read PostgreSQL's `name` type (OID 19); report it as text.
type RowDescription = { fields: { dataTypeID: number }[] };
const query = pg.Query.prototype as unknown as { handleRowDescription(msg: RowDescription): void };
const handleRowDescription = query.handleRowDescription;
query.handleRowDescription = function (msg) {
  for (const field of msg.fields) if (field.dataTypeID === 19) field.dataTypeID = 25;
  handleRowDescription.call(this, msg);
};

// `prisma generate` resolves env("DATABASE_URL") though it never connects; the app always passes a real URL.
process.env.DATABASE_URL ??= "postgresql://localhost/sluice";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL ?? "" });
  },
});
