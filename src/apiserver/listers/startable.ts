/**
 * An object lister the server starts and stops with itself (`ClusterObjectLister`): told apart
 * from a plain {@link ObjectLister} by its methods, so a user's own lister can join in too.
 */
import type { ObjectLister } from './object-lister.js';

/** Per-informer counters a startable lister may report, for `/metrics`. */
export interface StartableStats {
  readonly name: string;
  readonly objects: number;
  readonly stats: {
    readonly synced: boolean;
    readonly lists: number;
    readonly failures: number;
    readonly lastUpdate: number;
  };
}

/** Something the server starts and stops with itself. */
export interface Startable {
  start(): void;
  stop(): Promise<void>;
  synced?(): boolean;
  stats?(): readonly StartableStats[];
}

export function isStartable(value: ObjectLister | undefined): value is ObjectLister & Startable {
  return (
    typeof (value as Partial<Startable> | undefined)?.start === 'function' &&
    typeof (value as Partial<Startable> | undefined)?.stop === 'function'
  );
}
