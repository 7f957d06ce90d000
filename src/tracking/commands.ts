/**
 * CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO, with Redis 7.0's
 * option parsing, checks in its order and its error texts.
 */
import type { Client } from '../server/client';
import type { CommandSpec } from '../server/command';
import { Err } from '../protocol/errors';
import { toInt64 } from '../util/numbers';
import type { TrackingOptions } from './tracking';

function clientTracking(c: Client, argv: string[]): void {
  const o: TrackingOptions = { redirect: 0, bcast: false, optin: false, optout: false, noloop: false, prefixes: [] };
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = j < argv.length - 1;
    if (opt === 'redirect' && more) {
      j++;
      if (o.redirect !== 0) return c.error('ERR A client can only redirect to a single other client');
      const id = toInt64(argv[j]);
      if (id === null) return c.error(Err.notInteger);
      // required to exist now, though it may go away later
      if (!c.server.clients.has(Number(id))) return c.error('ERR The client ID you want redirect to does not exist');
      o.redirect = Number(id);
    } else if (opt === 'bcast') o.bcast = true;
    else if (opt === 'optin') o.optin = true;
    else if (opt === 'optout') o.optout = true;
    else if (opt === 'noloop') o.noloop = true;
    else if (opt === 'prefix' && more) o.prefixes.push(argv[++j]);
    else return c.error(Err.syntax);
  }
  const mode = argv[2].toLowerCase();
  const tracking = c.server.tracking;
  if (mode === 'off') {
    tracking.disable(c);
    return c.reply.ok();
  }
  if (mode !== 'on') return c.error(Err.syntax);
  const t = c.tracking;
  if (!o.bcast && o.prefixes.length !== 0) return c.error('ERR PREFIX option requires BCAST mode to be enabled');
  if (t !== null && t.bcast !== o.bcast) {
    return c.error(
      "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
    );
  }
  if (o.bcast && (o.optin || o.optout)) return c.error('ERR OPTIN and OPTOUT are not compatible with BCAST');
  if (o.optin && o.optout) return c.error("ERR You can't specify both OPTIN mode and OPTOUT mode");
  if (t !== null && ((o.optin && t.optout) || (o.optout && t.optin))) {
    return c.error(
      "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
    );
  }
  if (o.bcast) {
    const collision = tracking.prefixCollision(c, o.prefixes);
    if (collision !== null) {
      c.error(collision.error);
      // Redis 7.0 goes on after an overlap found past the first prefix, replying twice
      if (!collision.proceed) return;
    }
  }
  tracking.enable(c, o);
  c.reply.ok();
}

function clientCaching(c: Client, argv: string[]): void {
  const t = c.tracking;
  if (t === null) {
    return c.error('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled');
  }
  const opt = argv[2].toLowerCase();
  if (opt === 'yes') {
    if (!t.optin) return c.error('ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
  } else if (opt === 'no') {
    if (!t.optout) return c.error('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
  } else {
    return c.error(Err.syntax);
  }
  t.caching = true;
  c.reply.ok();
}

function clientGetredir(c: Client): void {
  c.reply.int(c.tracking === null ? -1 : c.tracking.redirect);
}

function clientTrackinginfo(c: Client): void {
  const t = c.tracking;
  const r = c.reply;
  r.map(3);
  r.bulk('flags');
  const flags = [t === null ? 'off' : 'on'];
  if (t !== null) {
    if (t.bcast) flags.push('bcast');
    if (t.optin) flags.push('optin');
    if (t.optin && t.caching) flags.push('caching-yes');
    if (t.optout) flags.push('optout');
    if (t.optout && t.caching) flags.push('caching-no');
    if (t.noloop) flags.push('noloop');
    if (t.brokenRedirect) flags.push('broken_redirect');
  }
  r.set(flags.length);
  for (const f of flags) r.bulk(f);
  r.bulk('redirect');
  r.int(t === null ? -1 : t.redirect);
  r.bulk('prefixes');
  const prefixes = t === null ? [] : [...t.prefixes].sort();
  r.array(prefixes.length);
  for (const p of prefixes) r.bulk(p);
}

/** CLIENT subcommands (src/commands/client.ts lists them with the rest). */
export const trackingSubcommands: CommandSpec[] = [
  { name: 'tracking', handler: clientTracking },
  { name: 'caching', handler: clientCaching },
  { name: 'getredir', handler: clientGetredir },
  { name: 'trackinginfo', handler: clientTrackinginfo },
];
