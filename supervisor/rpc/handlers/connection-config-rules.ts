/**
 * Rules a connection config must meet beyond its schema, checked wherever a config is accepted (connection.create,
 * the merged result of connection.update, connection.test of an unsaved config). Each failure says which field is
 * wrong and why.
 */
import { statSync, type Stats } from 'node:fs';
import { isAbsolute } from 'node:path';
import { BridgeError } from '../../../protocol/index.js';
import { FAULT_INJECTION_TYPE } from '../fault-injection-methods.js';

/** The fields the rules read; a full config, a merged public config and an unsaved config all have them. */
interface CheckedConfig {
  type?: string;
  database?: string;
  extra?: { create?: boolean; readOnly?: boolean; [option: string]: unknown };
}

export interface ConfigRuleOptions {
  /** The bridge runs with --enable-fault-injection: the test-only connector type is accepted. */
  faultInjection: boolean;
}

export function checkConfigRules(config: CheckedConfig, options: ConfigRuleOptions): void {
  if (config.type === FAULT_INJECTION_TYPE && !options.faultInjection) {
    throw new BridgeError('INVALID_PARAMS', `Connector type '${FAULT_INJECTION_TYPE}' exists only with --enable-fault-injection`, {
      type: config.type,
    });
  }
  if (config.extra?.create === true) checkSqliteCreate(config);
}

/**
 * `extra.create: true` makes the SQLite worker create a missing database file. Only for SQLite, only for a file the
 * bridge may write (not read-only, not `:memory:`), and only at an absolute path: a relative one would land wherever
 * the bridge happened to be started.
 */
function checkSqliteCreate(config: CheckedConfig): void {
  if (config.type !== 'sqlite') {
    throw new BridgeError('INVALID_PARAMS', "extra.create applies to SQLite connections only (it creates the database file).", {
      field: 'extra.create',
      type: config.type,
    });
  }
  if (config.extra?.readOnly === true) {
    throw new BridgeError('INVALID_PARAMS', 'extra.create and extra.readOnly exclude each other: a read-only connection cannot create its file.', {
      field: 'extra.create',
    });
  }
  const path = config.database?.trim() ?? '';
  const refuse = (reason: string): never => {
    throw new BridgeError('INVALID_PATH', `With extra.create, "database" must be ${reason}.`, { field: 'database', path, reason });
  };
  // The rules every user-given path to write meets (docs/api.md): absolute, no '..' segment, no NUL byte, and not
  // something other than a regular file.
  if (path === ':memory:' || !isAbsolute(path)) refuse('an absolute file path (the file to create)');
  if (path.split(/[\\/]/).includes('..')) refuse('a path without ".." segments');
  if (path.includes('\0')) refuse('a path without NUL bytes');
  const existing = statOrNull(path);
  if (existing !== null && !existing.isFile()) refuse('a regular file, not a directory or device');
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
