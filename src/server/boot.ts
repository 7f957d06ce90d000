/** Turns directives (config file, flags or the programmatic API) into Settings. */
import { Settings, defaultSettings } from './settings';

export type DirectiveValue = string | number | boolean | string[];

export function buildSettings(directives: Record<string, DirectiveValue>): { settings: Settings; config: unknown } {
  const s = defaultSettings();
  const str = (v: DirectiveValue) => (Array.isArray(v) ? v.join(' ') : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));
  for (const [k, v] of Object.entries(directives)) {
    const val = str(v);
    switch (k) {
      case 'port': s.port = Number(val); break;
      case 'bind': s.bind = val.split(/\s+/).filter(Boolean); break;
      case 'requirepass': s.requirepass = val; break;
      case 'databases': s.databases = Number(val); break;
      case 'hz': s.hz = Number(val); break;
      case 'maxclients': s.maxclients = Number(val); break;
      case 'timeout': s.timeout = Number(val); break;
      case 'protected-mode': s.protectedMode = val === 'yes'; break;
      case 'loglevel': s.loglevel = val; break;
      case 'logfile': s.logfile = val; break;
      case 'unixsocket': s.unixsocket = val; break;
      default: break;
    }
  }
  if (directives.bind === undefined) s.bind = ['127.0.0.1'];
  s.listenEphemeral = s.port === 0;
  return { settings: s, config: null };
}
