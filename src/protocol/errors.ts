/**
 * Every error string the server sends, identical to Redis 7.0's text.
 * Handlers reply with these via client.error(); nothing else spells errors.
 */
export const Err = {
  syntax: 'ERR syntax error',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  noSuchKey: 'ERR no such key',
  outOfRange: 'ERR index out of range',
  dbIndex: 'ERR DB index is out of range',
  invalidDb: 'ERR invalid DB index',
  sameObject: 'ERR source and destination objects are the same',
  stringTooLong: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  overflow: 'ERR increment or decrement would overflow',
  decrOverflow: 'ERR decrement would overflow',
  offsetOutOfRange: 'ERR offset is out of range',
  lcsWrongType: 'ERR The specified keys must contain string values',
  lcsLenAndIdx: 'ERR If you want both the length and indexes, please just use IDX.',
  lcsTooBig: 'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len',
  lcsAllocFailed: 'ERR Insufficient memory, failed allocating transient memory for LCS',
  nanOrInf: 'ERR increment would produce NaN or Infinity',
  invalidExpire: (cmd: string) => `ERR invalid expire time in '${cmd}' command`,
  noAuth: 'NOAUTH Authentication required.',
  notAllowedInMulti: 'ERR Command not allowed inside a transaction',
  multiNested: 'ERR MULTI calls can not be nested',
  execWithoutMulti: 'ERR EXEC without MULTI',
  discardWithoutMulti: 'ERR DISCARD without MULTI',
  execAbort: 'EXECABORT Transaction discarded because of previous errors.',
  execAbortBecause: (reason: string) => `EXECABORT Transaction discarded because of: ${reason}`,
  watchInMulti: 'ERR WATCH inside MULTI is not allowed',
  onlyPubsubCommands: (cmd: string) => `ERR Can't execute '${cmd}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
  wrongPass: 'WRONGPASS invalid username-password pair or user is disabled.',
  authNoPassword:
    'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  unknownCommand: (name: string, args: string[]) => {
    // printf's %s stops at a NUL byte, so Redis's text does too
    let list = '';
    for (let i = 0; i < args.length && list.length < 128; i++) {
      list += `'${trunc(cstr(args[i]), 128 - list.length)}' `;
    }
    return sanitize(`ERR unknown command '${trunc(cstr(name), 128)}', with args beginning with: ${list}`);
  },
  unknownSubcommand: (sub: string, cmd: string) =>
    sanitize(`ERR unknown subcommand '${trunc(cstr(sub), 128)}'. Try ${cmd.toUpperCase()} HELP.`),
  arity: (fullname: string) => `ERR wrong number of arguments for '${fullname}' command`,
  maxClients: 'ERR max number of clients reached',
  protoMultibulk: 'ERR Protocol error: invalid multibulk length',
  protoBulk: 'ERR Protocol error: invalid bulk length',
  protoExpected: (got: string) => `ERR Protocol error: expected '$', got '${got}'`,
  protoInlineTooBig: 'ERR Protocol error: too big inline request',
  protoMbulkTooBig: 'ERR Protocol error: too big mbulk count string',
  protoBulkTooBig: 'ERR Protocol error: too big bulk count string',
  protoUnbalanced: 'ERR Protocol error: unbalanced quotes in request',
  timeout: 'ERR timeout is not an integer or out of range',
  negativeTimeout: 'ERR timeout is negative',
  noProto: 'NOPROTO unsupported protocol version',
  helloProtoNotInt: 'ERR Protocol version is not an integer or out of range',
  helloSyntax: (opt: string) => sanitize(`ERR Syntax error in HELLO option '${opt}'`),
  helloNoAuth:
    'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
  badClientName: 'ERR Client names cannot contain spaces, newlines or special characters.',
  protectedMode:
    '-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command \'CONFIG SET protected-mode no\' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to \'no\', and then restarting the server. 3) If you started the server manually just for testing, restart it with the \'--protected-mode no\' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n',
  oom: "OOM command not allowed when used memory > 'maxmemory'.",
  // keyspace / generic commands
  invalidCursor: 'ERR invalid cursor',
  /** getIntFromObjectOrReply() on an integer outside C int range. */
  intOutOfRange: 'ERR value is out of range, value must between -2147483648 and 2147483647',
  invalidFirstDb: 'ERR invalid first DB index',
  invalidSecondDb: 'ERR invalid second DB index',
  expireNxIncompatible: 'ERR NX and XX, GT or LT options at the same time are not compatible',
  expireGtLtIncompatible: 'ERR GT and LT options at the same time are not compatible',
  /** Redis formats the option with %s: the text stops at a NUL byte. */
  unsupportedOption: (opt: string) => {
    const nul = opt.indexOf('\0');
    return sanitize(`ERR Unsupported option ${nul < 0 ? opt : opt.slice(0, nul)}`);
  },
  lfuIdleTime:
    'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  lfuFreq:
    'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  // hashes
  hashNotInteger: 'ERR hash value is not an integer',
  hashNotFloat: 'ERR hash value is not a float',
  /** HINCRBYFLOAT with a NaN or infinite increment. */
  valueNanOrInf: 'ERR value is NaN or Infinity',
  valueOutOfRange: 'ERR value is out of range',
  /** getRangeLongFromObjectOrReply() outside [min, max] ("must between" is Redis's text). */
  valueOutOfRangeBetween: (min: bigint | number, max: bigint | number) =>
    `ERR value is out of range, value must between ${min} and ${max}`,
  // sorted sets
  zXxNx: 'ERR XX and NX options at the same time are not compatible',
  zGtLtNx: 'ERR GT, LT, and/or NX options at the same time are not compatible',
  zIncrPair: 'ERR INCR option supports a single increment-element pair',
  zNan: 'ERR resulting score is not a number (NaN)',
  zMinMaxNotFloat: 'ERR min or max is not a float',
  zMinMaxNotString: 'ERR min or max not valid string range item',
  zLimitNeedsBy: 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
  zWithscoresBylex: 'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
  zWeightNotFloat: 'ERR weight value is not a float',
  zAtLeastOneKey: (cmd: string) => `ERR at least 1 input key is needed for '${cmd}' command`,
  zLimitNegative: "ERR LIMIT can't be negative",
  /** getPositiveLongFromObjectOrReply() without a message of its own. */
  zMustBePositive: 'ERR value is out of range, must be positive',
  zNumkeys: 'ERR numkeys should be greater than 0',
  zCount: 'ERR count should be greater than 0',
  /** ZRANDMEMBER: getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX). */
  zRandCountRange: 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
  /** ZRANDMEMBER WITHSCORES with |count| > LONG_MAX/2. */
  zOutOfRange: 'ERR value is out of range',
  // sets
  /** SPOP count: getPositiveLongFromObjectOrReply() without a message of its own. */
  sMustBePositive: 'ERR value is out of range, must be positive',
  sNumkeys: 'ERR numkeys should be greater than 0',
  sNumkeysTooMany: "ERR Number of keys can't be greater than number of args",
  sLimitNegative: "ERR LIMIT can't be negative",
  /** SRANDMEMBER count: getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX). */
  sRandCountRange: 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
  /**
   * SRANDMEMBER with a negative count too large to build a reply for (tredis
   * only: Redis tries and runs out of memory), in Redis's "out of range" words.
   */
  sRandTooMany: 'ERR value is out of range',
  // blocking commands (server/blocking.ts)
  blockTimeoutNotFloat: 'ERR timeout is not a float or out of range',
  /** A client blocked on keys ended by CLIENT UNBLOCK <id> ERROR. */
  unblocked: 'UNBLOCKED client unblocked via CLIENT UNBLOCK',
  unblockReason: 'ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR',
  // lists
  /** LPOP/RPOP count: getPositiveLongFromObjectOrReply() without a message of its own. */
  lMustBePositive: 'ERR value is out of range, must be positive',
  lRankZero:
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
  lCountNegative: "ERR COUNT can't be negative",
  lMaxlenNegative: "ERR MAXLEN can't be negative",
  lNumkeys: 'ERR numkeys should be greater than 0',
  lCount: 'ERR count should be greater than 0',
  // sort
  sortNotDouble: "ERR One or more scores can't be converted into double",
  // geo (the coordinates come preformatted as printf's %f)
  geoLonLat: (lon: string, lat: string) => `ERR invalid longitude,latitude pair ${lon},${lat}`,
  geoUnit: 'ERR unsupported unit provided. please use M, KM, FT, MI',
  geoNeedRadius: 'ERR need numeric radius',
  geoRadiusNegative: 'ERR radius cannot be negative',
  geoNeedWidth: 'ERR need numeric width',
  geoNeedHeight: 'ERR need numeric height',
  geoBoxNegative: 'ERR height or width cannot be negative',
  geoMember: 'ERR could not decode requested zset member',
  geoCount: 'ERR COUNT must be > 0',
  geoAnyNeedsCount: 'ERR the ANY argument requires COUNT argument',
  geoStoreWith: (what: string) => `ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`,
  /** %s of the command name as sent: it stops at a NUL byte. */
  geoFromOne: (cmd: string) => sanitize(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${cstr(cmd)}`),
  geoByOne: (cmd: string) => sanitize(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${cstr(cmd)}`),
  // bitmaps
  bitOffset: 'ERR bit offset is not an integer or out of range',
  bitValue: 'ERR bit is not an integer or out of range',
  bitposBit: 'ERR The bit argument must be 1 or 0.',
  bitopNot: 'ERR BITOP NOT must be called with a single source key.',
  bitfieldType: 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
  bitfieldOverflow: 'ERR Invalid OVERFLOW type specified',
  bitfieldRo: 'ERR BITFIELD_RO only supports the GET subcommand',
  // HyperLogLog
  /** A string that is not in the HLL format (Redis sends it with its own "-WRONGTYPE" code). */
  hllNotHll: 'WRONGTYPE Key is not a valid HyperLogLog string value.',
  hllCorrupted: 'INVALIDOBJ Corrupted HLL object detected',
  pfdebugNoKey: 'ERR The specified key does not exist',
  pfdebugNotSparse: 'ERR HLL encoding is not sparse',
  /** Redis formats the name with %s: the text stops at a NUL byte. */
  pfdebugUnknown: (sub: string) => sanitize(`ERR Unknown PFDEBUG subcommand '${cstr(sub)}'`),
  /** PFSELFTEST found a fault ("sparse encoding not used" is Redis's text; the other details are tredis's). */
  pfSelftestFailed: (detail: string) => `ERR TESTFAILED ${detail}`,
  // stream consumer groups and XINFO (%s texts stop at a NUL byte, as Redis prints them)
  /** streamGenericParseIDOrReply()'s error (shared by every stream command). */
  invalidStreamId: 'ERR Invalid stream ID specified as stream command argument',
  xgroupNoKey:
    'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
  busyGroup: 'BUSYGROUP Consumer Group name already exists',
  /** RESTORE (persistence/dump-commands.ts). */
  busyKey: 'BUSYKEY Target key name already exists.',
  badDataFormat: 'ERR Bad data format',
  dumpPayload: 'ERR DUMP payload version or checksum are wrong',
  restoreTtl: 'ERR Invalid TTL value, must be >= 0',
  restoreIdletime: 'ERR Invalid IDLETIME value, must be >= 0',
  restoreFreq: 'ERR Invalid FREQ value, must be >= 0 and <= 255',
  /** DEBUG QUICKLIST-PACKED-THRESHOLD. */
  packedThreshold: 'ERR argument must be a memory value bigger than 1 and smaller than 4gb',
  entriesReadRange: 'ERR value for ENTRIESREAD must be positive or -1',
  noGroupForKey: (group: string, key: string) => sanitize(`NOGROUP No such consumer group '${cstr(group)}' for key name '${cstr(key)}'`),
  noKeyOrGroup: (key: string, group: string) => sanitize(`NOGROUP No such key '${cstr(key)}' or consumer group '${cstr(group)}'`),
  noKeyOrGroupXreadgroup: (key: string, group: string) =>
    sanitize(`NOGROUP No such key '${cstr(key)}' or consumer group '${cstr(group)}' in XREADGROUP with GROUP option`),
  /** Redis 7.0.15 names XREAD and '$' here for XREADGROUP too. */
  xreadgroupUnbalanced: "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
  xreadgroupNoGroup: 'ERR Missing GROUP option for XREADGROUP',
  xreadgroupDollar:
    'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
  /** A blocked XREADGROUP whose group was destroyed. */
  blockedGroupGone: 'NOGROUP the consumer group this client was blocked on no longer exists',
  /** A blocked XREADGROUP whose key was deleted or replaced by another type. */
  blockedStreamGone: 'UNBLOCKED the stream key no longer exists',
  xInvalidStartInterval: 'ERR invalid start ID for the interval',
  xInvalidEndInterval: 'ERR invalid end ID for the interval',
  xclaimMinIdle: 'ERR Invalid min-idle-time argument for XCLAIM',
  xclaimIdle: 'ERR Invalid IDLE option argument for XCLAIM',
  xclaimTime: 'ERR Invalid TIME option argument for XCLAIM',
  xclaimRetryCount: 'ERR Invalid RETRYCOUNT option argument for XCLAIM',
  xclaimOption: (opt: string) => sanitize(`ERR Unrecognized XCLAIM option '${cstr(opt)}'`),
  xautoclaimMinIdle: 'ERR Invalid min-idle-time argument for XAUTOCLAIM',
  xautoclaimCount: 'ERR COUNT must be > 0',
  xautoclaimTooHigh: 'ERR Insufficient memory, failed allocating transient memory, COUNT too high.',
  // streams, non-group commands (XADD XTRIM XRANGE XREAD XSETID)
  xaddIdTooSmall: 'ERR The ID specified in XADD is equal or smaller than the target stream top item',
  xaddIdZero: 'ERR The ID specified in XADD must be greater than 0-0',
  streamExhausted: 'ERR The stream has exhausted the last possible ID, unable to add more items',
  xMaxlenNegative: 'ERR The MAXLEN argument must be >= 0.',
  xLimitNegative: 'ERR The LIMIT argument must be >= 0.',
  xLimitWithoutApprox: 'ERR syntax error, LIMIT cannot be used without the special ~ option',
  xLimitWithoutStrategy: 'ERR syntax error, LIMIT cannot be used without specifying a trimming strategy',
  xtrimNoStrategy: 'ERR syntax error, XTRIM must be called with a trimming strategy',
  xMaxlenAndMinid: 'ERR syntax error, MAXLEN and MINID options at the same time are not compatible',
  xreadUnbalanced: "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
  xreadNoack: 'ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.',
  xreadGroup: 'ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.',
  xreadGreater: 'ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.',
  xsetidTooSmall: 'ERR The ID specified in XSETID is smaller than the target stream top item',
  xsetidEntriesAdded: 'ERR The entries_added specified in XSETID is smaller than the target stream length',
  xsetidBelowGivenMaxDeleted: 'ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id',
  xsetidEntriesNegative: 'ERR entries_added must be positive',
} as const;

/** Error replies are one line: Redis turns CR/LF inside them into spaces. */
export function sanitize(s: string): string {
  return /[\r\n]/.test(s) ? s.replace(/[\r\n]/g, ' ') : s;
}

/** The C-string view of s: up to its first NUL byte. */
export function cstr(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

function trunc(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) : s;
}

/** The errorstats key of an error line: its first word ("ERR", "WRONGTYPE"...). */
export function errorCode(msg: string): string {
  // Redis looks for the space in the first 32 bytes of "-CODE ...", else counts ERR
  const sp = msg.indexOf(' ');
  return sp < 0 || sp > 30 ? 'ERR' : msg.slice(0, sp);
}

/**
 * Errors of the server/client/introspection commands (INFO, CONFIG, CLIENT,
 * COMMAND, DEBUG, SLOWLOG, LATENCY, SHUTDOWN, MONITOR), Redis 7.0's text.
 */
export const AdminErr = {
  /** addReplySubcommandSyntaxError(): a known subcommand used with the wrong arguments. */
  subcommandSyntax: (sub: string, cmd: string) =>
    sanitize(`ERR unknown subcommand or wrong number of arguments for '${trunc(sub, 128)}'. Try ${cmd.toUpperCase()} HELP.`),
  clientName: 'ERR Client names cannot contain spaces, newlines or special characters.',
  invalidClientId: 'ERR Invalid client ID',
  clientIdRange: 'ERR client-id should be greater than 0',
  unknownClientType: (t: string) => sanitize(`ERR Unknown client type '${t}'`),
  noSuchUser: (u: string) => sanitize(`ERR No such user '${u}'`),
  noSuchClient: 'ERR No such client',
  pauseMode: 'ERR CLIENT PAUSE mode must be WRITE or ALL',
  /** CLIENT SETINFO (Redis 7.2). */
  unrecognizedOption: (o: string) => sanitize(`ERR Unrecognized option '${o}'`),
  clientAttr: (attr: string) => sanitize(`ERR ${attr} cannot contain spaces, newlines or special characters.`),
  slowlogCount: 'ERR count should be greater than or equal to -1',
  noLatencySamples: (ev: string) => sanitize(`ERR No samples available for event '${ev}'`),
  debugNotAllowed:
    'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
  moduleNotAllowed:
    'ERR MODULE command not allowed. If the enable-module-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
  /** MODULE LOAD/LOADEX when the module could not be loaded. */
  moduleLoad: 'ERR Error loading the extension. Please check the server logs.',
  /** MODULE UNLOAD of a name no module has (ENOENT). */
  moduleUnloadNoSuch: 'ERR Error unloading module: no such module with that name',
  /** DEBUG PROTOCOL with an unknown type name. */
  debugProtocolType:
    'ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false',
  /** DEBUG PROTOCOL push from a RESP2 client. */
  resp2NotSupported: 'ERR RESP2 is not supported by this command',
  shutdownFailed: 'ERR Errors trying to SHUTDOWN. Check logs.',
  noShutdown: 'ERR No shutdown in progress.',
  shutdownDenyBlocking: "ERR SHUTDOWN without NOW or ABORT isn't allowed for DENY BLOCKING client",
  monitorDenyBlocking: "ERR MONITOR isn't allowed for DENY BLOCKING client",
  noConfigFile: 'ERR The server is running without a config file',
  configSetUnknown: (name: string) => sanitize(`ERR Unknown option or number of arguments for CONFIG SET - '${name}'`),
  invalidCommand: 'ERR Invalid command specified',
  noKeyArguments: 'ERR The command has no key arguments',
  invalidArgCount: 'ERR Invalid number of arguments specified for command',
  invalidArguments: 'ERR Invalid arguments specified for command',
} as const;

/** The append-only file's errors (persistence/aof). */
export const AofErr = {
  rewriteInProgress: 'ERR Background append only file rewriting already in progress',
  cantRewrite: "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.",
  /** CONFIG SET appendonly yes could not start the first rewrite (a CONFIG SET failure reason). */
  cantTurnOn: 'Unable to turn on AOF. Check server logs.',
  /** DEBUG LOADAOF found a file it could not load (Redis exits instead). */
  loadFailed: 'ERR Error loading the AOF, check the server logs',
  /** BGSAVE (without SCHEDULE) while an AOF rewrite runs. */
  bgsaveDuringRewrite: "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
};
