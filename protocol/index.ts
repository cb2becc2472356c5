/** The wire contract of the bridge (docs/api.md) as data. No Node imports: the UI imports this too. */
import { backupEvents, backupMethods } from './backup.js';
import { chartMethods } from './charts.js';
import { connectionMethods } from './connections.js';
import type { EventDescriptor, MethodDescriptor } from './descriptor.js';
import { connectorEvents, connectorMethods, healthMethods } from './health.js';
import { historyMethods } from './history.js';
import { jobEvents, jobMethods } from './jobs.js';
import { metadataMethods } from './metadata.js';
import { queryEvents, queryMethods } from './query.js';
import { scheduleMethods } from './schedules.js';
import { secretMethods } from './secrets.js';

export const methods = {
  connection: connectionMethods,
  metadata: metadataMethods,
  query: queryMethods,
  backup: backupMethods,
  job: jobMethods,
  schedule: scheduleMethods,
  secret: secretMethods,
  health: healthMethods,
  connector: connectorMethods,
  history: historyMethods,
  chart: chartMethods,
};

export const events = {
  query: queryEvents,
  backup: backupEvents,
  job: jobEvents,
  connector: connectorEvents,
};

type Values<T> = T[keyof T];
/** Every method descriptor, as a union. */
export type AnyMethod = Values<{ [D in keyof typeof methods]: Values<(typeof methods)[D]> }>;
export type MethodName = AnyMethod['method'];
export type MethodByName<N extends MethodName> = Extract<AnyMethod, { method: N }>;
export type AnyEvent = Values<{ [D in keyof typeof events]: Values<(typeof events)[D]> }>;
export type EventName = AnyEvent['event'];
export type EventByName<N extends EventName> = Extract<AnyEvent, { event: N }>;

export const METHOD_LIST: readonly MethodDescriptor[] = Object.values(methods).flatMap((d) => Object.values(d));
export const EVENT_LIST: readonly EventDescriptor[] = Object.values(events).flatMap((d) => Object.values(d));

export * from './backup.js';
export * from './charts.js';
export * from './connections.js';
export * from './descriptor.js';
export * from './envelope.js';
export * from './errors.js';
export * from './health.js';
export * from './history.js';
export * from './jobs.js';
export * from './metadata.js';
export * from './query.js';
export * from './schedules.js';
export * from './secrets.js';
