import { it } from 'vitest';
import { Conn, useServers } from './harness';
const s = useServers();
it('dbg', async () => {
  const t = await Conn.connect(s.tredis);
  const r = await Conn.connect(s.redis);
  for (const c of (process.env.DBG_CMDS ?? '').split(';').filter(Boolean)) {
    const args = c.trim().split(' ');
    const [a, b] = [await t.cmd(args), await r.cmd(args)];
    console.log(`== ${c}\n--tredis\n${a}\n--redis\n${b}`);
  }
});
