/** The Redis version tredis mimics (INFO, HELLO, fatal config errors, ...). */
export const REDIS_VERSION = '7.0.15';
/** tredis's own version. */
export const TREDIS_VERSION = '0.1.0';
