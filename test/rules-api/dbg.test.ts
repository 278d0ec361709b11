import { it } from 'vitest';
import { createUser } from '../helpers/auth';
import { createTestStack } from '../helpers/stack';
it('dbg', async () => {
  const stack = await createTestStack();
  const ops = await createUser(stack.db.sql, { role: 'ops' });
  await stack.db.sql`insert into rule_sets (id, name, kind, draft) values ('x', 'x', 'routing', ${stack.db.sql.json({ name: 'x', kind: 'routing', rules: [] } as never)})`;
  const r = await stack.app.inject({ method: 'POST', url: '/api/rule-sets/x/publish', headers: ops.headers });
  console.log(r.statusCode, r.body);
  const r2 = await stack.app.inject({ method: 'POST', url: '/api/rule-sets/x/backtest', headers: ops.headers });
  console.log(r2.statusCode, r2.body);
  await stack.close();
});
