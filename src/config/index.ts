/** The configuration subsystem: see config.ts for the API. */
export {
  Config,
  ConfigError,
  LOADING_ERROR,
  type ChangeListener,
  type ConfigOptions,
  type SetOptions,
} from './config';
export { parseCommandLine, fatalConfigText, startupLogLine, type CommandLine } from './parse';
export {
  PARAMS,
  IMPLEMENTED_PARAMS,
  lookupParam,
  type BoolParam,
  type ClientOutputBufferLimits,
  type ConfigValues,
  type NumParam,
  type OutputBufferLimit,
  type ParamDef,
  type ParamName,
  type ReplicaOf,
  type SavePoint,
  type StrParam,
} from './table';
export * from './notify';
export { REWRITE_SIGNATURE } from './rewrite';
