import { loadConfig } from '../runtime/config';
import { openDatabase } from './open';
import { migrate } from './migrate';

const config = loadConfig();
const db = await openDatabase(config);
try {
  const applied = await migrate(db.sql, { singleConnection: db.embedded });
  console.log(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
} finally {
  await db.close();
}
